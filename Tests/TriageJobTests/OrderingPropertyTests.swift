import Foundation
import Testing
import TriageCore
import TriageIO
import TriageJob
import TriageStore
import TriageTestSupport

/// Random decision streams with many repeated findings give, whatever the concurrency, the
/// batch size and the key-order window, the same store and the same outcomes as applying the
/// records one at a time in input order.
@Suite struct OrderingPropertyTests {
    static let findingCount = 40

    /// Order-sensitive updates: later ones overwrite, UDFs merge, severities derive.
    static let updates = [
        #""Workflow":{"Status":"SUPPRESSED"}"#, #""Workflow":{"Status":"RESOLVED"}"#,
        #""Workflow":{"Status":"NOTIFIED"}"#,
        #""Severity":{"Label":"HIGH"}"#, #""Severity":{"Normalized":15}"#, #""Confidence":0"#, #""Confidence":99"#,
        #""UserDefinedFields":{"ticket":"A"}"#, #""UserDefinedFields":{"ticket":"B","owner":"x"}"#,
        #""Note":{"Text":"first","UpdatedBy":"a"}"#, #""Note":{"Text":"second","UpdatedBy":"b"}"#,
        #""Types":["TTPs/Discovery"],"Criticality":40"#,
    ]

    static func makeStore(at path: String, data: SyntheticData) throws {
        let store = try FindingsStore(path: path)
        _ = try store.import(findings: (0..<findingCount).map { data.findingJSON($0) })
    }

    static func decisions(seed: UInt64, count: Int, data: SyntheticData) -> [String] {
        var generator = SplitMix64(state: seed)
        return (0..<count).map { _ in
            let index = Int(generator.next() % UInt64(findingCount + 2))  // 2 of 42 do not exist
            var identifier = data.identifier(index % findingCount)
            if index >= findingCount { identifier.id += "-missing" }
            let update = updates[Int(generator.next() % UInt64(updates.count))]
            var line: [UInt8] = Array(#"{"Id":"#.utf8)
            JSONText.appendString(identifier.id, to: &line)
            line.append(contentsOf: #","ProductArn":"#.utf8)
            JSONText.appendString(identifier.productArn, to: &line)
            line.append(contentsOf: ",\(update)}".utf8)
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// The store's findings as text with `Note.UpdatedAt` (a clock reading) masked.
    static func exported(_ path: String) throws -> String {
        let store = try FindingsStore(path: path)
        var lines: [String] = []
        try store.exportAll { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines.joined(separator: "\n").replacingOccurrences(
            of: #""UpdatedAt":"[^"]*","UpdatedBy""#, with: #""UpdatedAt":"<now>","UpdatedBy""#,
            options: .regularExpression
        )
        .replacingOccurrences(
            of: #""UpdatedBy":"([^"]*)","UpdatedAt":"[^"]*""#, with: #""UpdatedBy":"$1","UpdatedAt":"<now>""#,
            options: .regularExpression)
    }

    /// Outcomes by line from a JSON report.
    static func outcomes(_ reportPath: String) throws -> [Int: String] {
        let report =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath))) as! [String: Any]
        var result: [Int: String] = [:]
        for entry in report["ProcessedFindings"] as! [[String: Any]] {
            result[(entry["source"] as! [String: Any])["line"] as! Int] = "processed"
        }
        for entry in report["UnprocessedFindings"] as! [[String: Any]] {
            result[(entry["source"] as! [String: Any])["line"] as! Int] = entry["ErrorCode"] as? String
        }
        return result
    }

    /// (seed, concurrency, batch size, sort window; nil = the store's default, 0 = input order).
    @Test(arguments: [
        (UInt64(1), 1, 1, Int?.none), (2, 8, 100, nil), (3, 8, 7, 0), (4, 1, 100, 1), (5, 8, 1, 64), (6, 3, 33, 0),
        (7, 4, 100, 37), (8, 8, 100, 5), (9, 2, 50, 1_499),
    ])
    func concurrentBatchesEqualOneByOne(seed: UInt64, concurrency: Int, batchSize: Int, window: Int?) throws {
        let directory = TestPaths.temporaryDirectory("ordering")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = SyntheticData(seed: 99, findingCount: Self.findingCount)
        let lines = Self.decisions(seed: seed, count: 1_500, data: data)
        let input = directory.appendingPathComponent("decisions.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)

        // Reference: one record at a time, in input order, straight into the store.
        let referencePath = directory.appendingPathComponent("reference.sqlite").path
        try Self.makeStore(at: referencePath, data: data)
        let reference = try FindingsStore(path: referencePath)
        var expected: [Int: String] = [:]
        for (index, line) in lines.enumerated() {
            guard case .object(let members) = try JSONParser.parse(Array(line.utf8)),
                case .valid(let identifier, let update, _) = UpdateDraft(decisionObject: members).validate()[0]
            else {
                Issue.record("generated an invalid decision")
                return
            }
            let outcome = try reference.apply(
                batch: [(index, identifier)], update: update.update, now: "2026-01-01T00:00:00.000Z")[0]
            if case .failed(let code, _) = outcome {
                expected[index + 1] = code.rawValue
            } else {
                expected[index + 1] = "processed"
            }
        }

        // The pipeline, with batches in flight at once.
        let storePath = directory.appendingPathComponent("store.sqlite").path
        try Self.makeStore(at: storePath, data: data)
        var configuration = RunConfiguration(inputs: [input])
        configuration.dryRun = false
        configuration.target = try StoreTarget(path: storePath, clock: SystemClock.milliseconds)
        configuration.concurrency = concurrency
        configuration.batchSize = batchSize
        configuration.keyOrderWindow = window
        configuration.reportPath = directory.appendingPathComponent("report.json").path
        let result = try DecisionJob(configuration: configuration).run()
        #expect(result.records == lines.count)

        #expect(try Self.outcomes(configuration.reportPath!) == expected)
        let actual = try Self.exported(storePath)
        let wanted = try Self.exported(referencePath)
        #expect(actual == wanted)
        #expect(actual.contains("\"ticket\""))  // the stream did merge user-defined fields
    }
}
