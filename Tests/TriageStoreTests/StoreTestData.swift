import Foundation
import TriageCore
import TriageStore
import TriageTestSupport

/// Test data and fixtures for the store tests: the third-party ASFF files, temporary stores and a
/// builder for minimal valid findings.
enum StoreTestData {
    /// The ASFF files of `Tests/Fixtures/ThirdParty/asff` and where their findings sit (`SOURCES.md`):
    /// the member path to the array of findings, or `nil` for a bare finding.
    static let asffFiles: [(path: String, findingsAt: [String]?)] = [
        ("aws-solutions-asr/afsbp-ec2.8.json", nil),
        ("aws-solutions-asr/afsbp-s3.2.json", nil),
        ("aws-solutions-asr/CIS-1.4.json", ["detail", "findings"]),
        ("defectdojo/config_multiple_resources.json", ["findings"]),
        ("defectdojo/guardduty.json", ["Findings"]),
        ("defectdojo/inspector_ec2_ghsa.json", ["Findings"]),
        ("defectdojo/inspector_ecr.json", ["Findings"]),
        ("defectdojo/missing_account_id.json", ["findings"]),
        ("cloud-custodian/test_security_hub_mode_action_insight/securityhub.GetFindings_1.json", ["data", "Findings"]),
        (
            "cloud-custodian/test_ecr_image_filter_security_finding/securityhub.GetFindings_1.json",
            ["data", "Findings"]
        ),
        ("cloud-custodian/test_larger_batch/securityhub.GetFindings_1.json", ["data", "Findings"]),
        ("cloud-custodian/test_security_hub_rds/securityhub.GetFindings_1.json", ["data", "Findings"]),
        ("cloud-custodian/test_security_hub_instance/securityhub.GetFindings_1.json", ["data", "Findings"]),
    ]

    /// The findings of one ASFF file, each as its exact bytes in the file.
    static func findings(in path: String, at memberPath: [String]?) throws -> [[UInt8]] {
        let bytes = Array(try Data(contentsOf: TestPaths.testData("asff/\(path)")))
        return try bytes.withUnsafeBytes { buffer -> [[UInt8]] in
            var start = JSONObjectLayout.skipWhitespace(buffer, from: 0)
            guard let memberPath else {
                return [Array(buffer[start..<(try JSONParser.valueEnd(in: buffer, from: start))])]
            }
            for name in memberPath {
                let layout = try JSONObjectLayout.scan(buffer, objectAt: start)
                guard let member = layout.first(named: name, in: buffer) else { throw TestDataError.missing(name) }
                start = member.value.lowerBound
            }
            guard buffer[start] == UInt8(ascii: "[") else { throw TestDataError.missing("array") }
            var elements: [[UInt8]] = []
            var position = JSONObjectLayout.skipWhitespace(buffer, from: start + 1)
            while buffer[position] != UInt8(ascii: "]") {
                let end = try JSONParser.valueEnd(in: buffer, from: position)
                elements.append(Array(buffer[position..<end]))
                position = JSONObjectLayout.skipWhitespace(buffer, from: end)
                if buffer[position] == UInt8(ascii: ",") {
                    position = JSONObjectLayout.skipWhitespace(buffer, from: position + 1)
                }
            }
            return elements
        }
    }

    enum TestDataError: Error { case missing(String) }

    /// A store in a new temporary directory, removed when `body` returns.
    static func withStore<T>(options: StoreOptions = StoreOptions(), _ body: (FindingsStore, URL) throws -> T) throws
        -> T
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "triage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("findings.sqlite")
        let store = try FindingsStore(path: path.path, options: options)
        return try body(store, path)
    }

    static let controlArn = "arn:aws:securityhub:eu-central-1::product/aws/securityhub"
    static let guardDutyArn = "arn:aws:securityhub:eu-central-1::product/aws/guardduty"

    /// A minimal valid finding; `members` replace (or with `nil` remove) base members by name,
    /// or are appended, each given as raw JSON.
    static func document(
        id: String = "finding-1", productArn: String = guardDutyArn, updatedAt: String = "2026-01-01T00:00:00.000Z",
        _ members: KeyValuePairs<String, String?> = [:]
    ) -> [UInt8] {
        var list: [(String, String?)] = [
            ("SchemaVersion", #""2018-10-08""#), ("Id", quoted(id)), ("ProductArn", quoted(productArn)),
            ("GeneratorId", #""generator""#), ("AwsAccountId", #""123456789012""#),
            ("CreatedAt", #""2025-12-01T00:00:00.000Z""#), ("UpdatedAt", quoted(updatedAt)), ("Title", #""A title""#),
            ("Description", #""A description""#),
            ("Resources", #"[{"Type":"AwsS3Bucket","Id":"arn:aws:s3:::bucket"}]"#),
            ("Severity", #"{"Label":"HIGH","Normalized":70,"Original":"HIGH"}"#),
        ]
        for (name, value) in members {
            if let index = list.firstIndex(where: { $0.0 == name }) {
                list[index].1 = value
            } else {
                list.append((name, value))
            }
        }
        let body = list.compactMap { name, value in value.map { "\(quoted(name)): \($0)" } }.joined(separator: ", ")
        return Array("{\(body)}".utf8)
    }

    static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        JSONText.appendString(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The stored finding, parsed.
    static func stored(_ store: FindingsStore, id: String = "finding-1", productArn: String = guardDutyArn) throws
        -> JSONValue?
    {
        guard let bytes = try store.finding(FindingIdentifier(id: id, productArn: productArn)) else { return nil }
        return try JSONParser.parse(bytes)
    }

    /// The value at a dotted path, e.g. `Workflow.Status`.
    static func value(_ finding: JSONValue?, _ path: String) -> JSONValue? {
        var current = finding
        for part in path.split(separator: ".") { current = current?[key: String(part)] }
        return current
    }
}
