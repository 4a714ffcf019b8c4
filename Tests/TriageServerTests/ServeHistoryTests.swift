import Foundation
import Testing
import TriageTestSupport

/// `GetFindingHistory` (`POST /findingHistory/get`) on the real `triage serve` (issue 19 point 4):
/// records of BatchImportFindings and BatchUpdateFindings with the caller's identity, newest
/// first, pages bound to their query, time windows, visibility like GetFindings, the model's
/// input checks.
@Suite struct ServeHistoryTests {
    static let owner = "123456789012"
    static let stranger = "111111111111"
    static let product = "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"

    static let config = """
        {"accounts": {"\(owner)": {}, "\(stranger)": {}},
         "credentials": [
           {"accessKeyId": "AKIDOWNER", "secretAccessKey": "owner-secret", "account": "\(owner)"},
           {"accessKeyId": "AKIDSTRANGER", "secretAccessKey": "stranger-secret", "account": "\(stranger)"},
           {"accessKeyId": "AKIDREADER", "secretAccessKey": "reader-secret", "account": "\(owner)",
            "policies": [{"Statement": [{"Effect": "Allow", "Action": "securityhub:*", "Resource": "*"},
                                        {"Effect": "Deny", "Action": "securityhub:GetFindingHistory",
                                         "Resource": "*"}]}]}],
         "quotas": {"BatchUpdateFindings": {"rate": 0, "burst": 0}, "BatchImportFindings": {"rate": 0, "burst": 0},
                    "GetFindings": {"rate": 0, "burst": 0}, "GetFindingHistory": {"rate": 0, "burst": 0}}}
        """

    let server: ServeProcess

    init() throws {
        server = try ServeProcess(config: Self.config)
    }

    static func finding(_ id: String, title: String = "original", updatedAt: String = "2026-01-01T00:00:00.000Z")
        -> String
    {
        """
        {"SchemaVersion": "2018-10-08", "Id": "\(id)", "ProductArn": "\(product)", "GeneratorId": "gen",
         "AwsAccountId": "\(owner)", "CreatedAt": "2026-01-01T00:00:00.000Z", "UpdatedAt": "\(updatedAt)",
         "Title": "\(title)", "Description": "d", "Resources": [{"Type": "Other", "Id": "r-\(id)"}],
         "Severity": {"Label": "LOW"}}
        """
    }

    static func identifier(_ id: String) -> String { #"{"Id": "\#(id)", "ProductArn": "\#(product)"}"# }

    /// Sends a signed request; the answer (any status).
    func send(
        _ body: String, path: String = "/findingHistory/get", method: String = "POST", key: String = "AKIDOWNER",
        secret: String = "owner-secret", region: String = "us-east-1", sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RawHTTP.Answer {
        try #require(
            try RawHTTP(port: server.port).exchange(
                HTTPRequestBytes.signed(
                    method: method, path: path, port: server.port, body: Array(body.utf8), accessKeyId: key,
                    secret: secret, region: region)),
            "no answer", sourceLocation: sourceLocation)
    }

    /// Sends a request that must succeed; its JSON.
    func call(
        _ body: String, path: String = "/findingHistory/get", method: String = "POST",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let answer = try send(body, path: path, method: method, sourceLocation: sourceLocation)
        try #require(answer.status == 200, "\(answer.text)", sourceLocation: sourceLocation)
        return answer.json
    }

    func update(_ ids: [String], _ members: String) throws {
        let answer = try call(
            #"{"FindingIdentifiers": [\#(ids.map(Self.identifier).joined(separator: ","))], \#(members)}"#,
            path: "/findings/batchupdate", method: "PATCH")
        #expect((answer["ProcessedFindings"] as? [Any])?.count == ids.count, "\(answer)")
    }

    /// Every record of `id` in pages of `maxResults` within the window: (records, pages).
    func history(_ id: String, maxResults: Int? = nil, window: String = "") throws -> ([[String: Any]], Int) {
        var records: [[String: Any]] = []
        var token: String?
        var pages = 0
        repeat {
            var body = #"{"FindingIdentifier": \#(Self.identifier(id))\#(window)"#
            if let maxResults { body += #", "MaxResults": \#(maxResults)"# }
            if let token { body += #", "NextToken": "\#(token)""# }
            let answer = try call(body + "}")
            let page = answer["Records"] as? [[String: Any]] ?? []
            if let maxResults { #expect(page.count <= maxResults) }
            records += page
            token = answer["NextToken"] as? String
            pages += 1
        } while token != nil && pages < 100
        return (records, pages)
    }

    static func updateTime(_ record: [String: Any]) -> String { record["UpdateTime"] as? String ?? "" }

    static func changes(_ record: [String: Any]) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for update in record["Updates"] as? [[String: Any]] ?? [] {
            guard let field = update["UpdatedField"] as? String else { continue }
            result[field] = (update as? [String: String]) ?? [:]
        }
        return result
    }

    @Test func importAndUpdatesAreRecordedNewestFirstWithTheirSource() throws {
        let imported = try call(
            #"{"Findings": [\#(Self.finding("f1"))]}"#, path: "/findings/import")
        #expect(imported["SuccessCount"] as? Int == 1)
        try update(["f1"], #""Workflow": {"Status": "NOTIFIED"}, "Note": {"Text": "seen", "UpdatedBy": "alice"}"#)
        try update(["f1"], #""Workflow": {"Status": "NOTIFIED"}"#)  // no change: no record
        try update(["f1"], #""Severity": {"Label": "CRITICAL"}"#)
        let (records, pages) = try history("f1")
        #expect(pages == 1)
        try #require(records.count == 3, "\(records)")
        let times = records.map(Self.updateTime)
        #expect(times == times.sorted(by: >), "newest first")
        #expect(times.allSatisfy { $0.hasSuffix("Z") && $0.count == 24 }, "\(times)")
        for record in records {
            #expect(record["FindingIdentifier"] as? [String: String] == ["Id": "f1", "ProductArn": Self.product])
        }
        let created = records[2]
        #expect(created["FindingCreated"] as? Bool == true)
        #expect((created["Updates"] as? [Any])?.isEmpty == true)
        #expect(
            created["UpdateSource"] as? [String: String] == ["Type": "BATCH_IMPORT_FINDINGS", "Identity": Self.product])
        let noted = records[1]
        #expect(noted["FindingCreated"] as? Bool == false)
        #expect(
            noted["UpdateSource"] as? [String: String] == [
                "Type": "BATCH_UPDATE_FINDINGS", "Identity": "arn:aws:iam::\(Self.owner):user/AKIDOWNER",
            ])
        let changes = Self.changes(noted)
        #expect(
            changes["Workflow.Status"] == [
                "UpdatedField": "Workflow.Status", "OldValue": "NEW", "NewValue": "NOTIFIED",
            ])
        #expect(changes["Note.Text"] == ["UpdatedField": "Note.Text", "NewValue": "seen"])
        #expect(changes["Note.UpdatedAt"]?["NewValue"] == Self.updateTime(noted))
        let severity = Self.changes(records[0])
        #expect(
            severity["Severity.Label"]?["OldValue"] == "LOW" && severity["Severity.Label"]?["NewValue"] == "CRITICAL")
    }

    @Test func pagesFollowMaxResultsAndTokensStayWithTheirQuery() throws {
        _ = try call(#"{"Findings": [\#(Self.finding("f1")), \#(Self.finding("f2"))]}"#, path: "/findings/import")
        for confidence in 1...6 { try update(["f1", "f2"], #""Confidence": \#(confidence)"#) }
        let (all, _) = try history("f1")
        #expect(all.count == 7)
        let (paged, pages) = try history("f1", maxResults: 2)
        #expect(pages == 4)
        #expect(paged.map(Self.updateTime) == all.map(Self.updateTime))
        #expect(
            paged.map { Self.changes($0)["Confidence"]?["NewValue"] }
                == all.map { Self.changes($0)["Confidence"]?["NewValue"] })
        #expect(Self.changes(all[0])["Confidence"] == ["UpdatedField": "Confidence", "OldValue": "5", "NewValue": "6"])
        // A token continues its own query only: not another finding's, not another window's.
        let first = try call(#"{"FindingIdentifier": \#(Self.identifier("f1")), "MaxResults": 2}"#)
        let token = try #require(first["NextToken"] as? String)
        let otherFinding = try send(#"{"FindingIdentifier": \#(Self.identifier("f2")), "NextToken": "\#(token)"}"#)
        #expect(otherFinding.status == 400 && otherFinding.errorType == "InvalidInputException")
        let otherWindow = try send(
            #"{"FindingIdentifier": \#(Self.identifier("f1")), "StartTime": "2020-01-01T00:00:00Z", "NextToken": "\#(token)"}"#
        )
        #expect(otherWindow.status == 400 && otherWindow.errorType == "InvalidInputException")
        // MaxResults may change between pages.
        let rest = try call(
            #"{"FindingIdentifier": \#(Self.identifier("f1")), "MaxResults": 100, "NextToken": "\#(token)"}"#)
        #expect((rest["Records"] as? [Any])?.count == 5 && rest["NextToken"] == nil)
    }

    @Test func aTimeWindowKeepsTheRecordsBetweenItsBounds() throws {
        _ = try call(#"{"Findings": [\#(Self.finding("f1"))]}"#, path: "/findings/import")
        for confidence in 1...4 {
            try update(["f1"], #""Confidence": \#(confidence)"#)
            usleep(5_000)  // distinct milliseconds, so that the window's bounds fall between records
        }
        let (all, _) = try history("f1")
        try #require(all.count == 5)
        let start = Self.updateTime(all[3])
        let end = Self.updateTime(all[1])
        let window = #", "StartTime": "\#(start)", "EndTime": "\#(end)""#
        let (inside, _) = try history("f1", maxResults: 1, window: window)
        #expect(inside.map(Self.updateTime) == [all[1], all[2], all[3]].map(Self.updateTime))
        // Start only: up to now; End only: from the oldest kept.
        #expect(try history("f1", window: #", "StartTime": "\#(end)""#).0.count == 2)
        #expect(try history("f1", window: #", "EndTime": "\#(start)""#).0.count == 2)
        // Other RFC 3339 spellings: an offset, microseconds (as botocore sends them).
        #expect(try history("f1", window: #", "EndTime": "2000-01-01T01:00:00+01:00""#).0.isEmpty)
        #expect(try history("f1", window: #", "StartTime": "2000-01-01T00:00:00.000000Z""#).0.count == 5)
    }

    @Test func anotherAccountsOrRegionsFindingHasNoRecords() throws {
        _ = try call(#"{"Findings": [\#(Self.finding("f1"))]}"#, path: "/findings/import")
        let body = #"{"FindingIdentifier": \#(Self.identifier("f1"))}"#
        let stranger = try send(body, key: "AKIDSTRANGER", secret: "stranger-secret")
        #expect(stranger.status == 200 && (stranger.json["Records"] as? [Any])?.isEmpty == true, "\(stranger.text)")
        let otherRegion = try send(body, region: "eu-west-1")
        #expect(otherRegion.status == 200 && (otherRegion.json["Records"] as? [Any])?.isEmpty == true)
        let missing = try send(#"{"FindingIdentifier": \#(Self.identifier("nope"))}"#)
        #expect(missing.status == 200 && (missing.json["Records"] as? [Any])?.isEmpty == true)
        #expect(missing.json["NextToken"] == nil)
        let denied = try send(body, key: "AKIDREADER", secret: "reader-secret")
        #expect(denied.status == 403 && denied.errorType == "AccessDeniedException", "\(denied.text)")
    }

    @Test(arguments: [
        (#"{}"#, "FindingIdentifier"),
        (#"{"FindingIdentifier": {"Id": "f1"}}"#, "ProductArn"),
        (#"{"FindingIdentifier": {"Id": " ", "ProductArn": "p"}}"#, "Id"),
        (#"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "MaxResults": 0}"#, "MaxResults"),
        (#"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "MaxResults": 101}"#, "MaxResults"),
        (#"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "StartTime": "yesterday"}"#, "StartTime"),
        (
            #"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "StartTime": "2026-02-01T00:00:00Z", "EndTime": "2026-01-01T00:00:00Z"}"#,
            "StartTime"
        ),
        (#"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "NextToken": "forged"}"#, "NextToken"),
        (#"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "Filters": {}}"#, "Filters"),
    ])
    func invalidRequestsAreInvalidInput(body: String, member: String) throws {
        let answer = try send(body)
        #expect(answer.status == 400 && answer.errorType == "InvalidInputException", "\(answer.text)")
        #expect((answer.json["Message"] as? String)?.contains(member) == true, "\(answer.text)")
        // MaxResults 1 and 100 are fine.
        for size in [1, 100] {
            let fine = try send(#"{"FindingIdentifier": {"Id": "f1", "ProductArn": "p"}, "MaxResults": \#(size)}"#)
            #expect(fine.status == 200)
        }
    }
}
