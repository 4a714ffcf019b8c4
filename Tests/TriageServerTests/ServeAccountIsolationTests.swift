import Foundation
import Testing
import TriageTestSupport

/// Findings of different accounts kept apart by the real `triage serve` (issue 22, point 1): with
/// keys that collide with the victim's findings (the same `ProductArn` and `Id`), no import, update
/// or read by an account that may not update the victim's findings (a member, another
/// administrator) replaces, hides or shows them; each such import is refused finding by finding.
@Suite struct ServeAccountIsolationTests {
    static let victim = "123456789012"
    static let victimAdministrator = "222222222222"
    static let member = "111111111111"
    static let memberAdministrator = "333333333333"

    /// The victim's own product, an AWS service's product (shared by every account), the member's own.
    static let victimProduct = "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
    static let sharedProduct = "arn:aws:securityhub:us-east-1::product/aws/guardduty"
    static let memberProduct = "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"

    static let created = "2026-01-01T00:00:00.000Z"
    static let later = "2026-06-01T00:00:00.000Z"
    static let earlier = "2025-06-01T00:00:00.000Z"

    /// The victim (member of its own administrator) and the caller that attacks it: a member
    /// account (no administrator) and that member's administrator. Quotas off.
    static let config = """
        {"accounts": {
           "\(victimAdministrator)": {"administrator": true, "members": ["\(victim)"]}, "\(victim)": {},
           "\(memberAdministrator)": {"administrator": true, "members": ["\(member)"]}, "\(member)": {}},
         "credentials": [
           {"accessKeyId": "AKIDVICTIM", "secretAccessKey": "victim-secret", "account": "\(victim)"},
           {"accessKeyId": "AKIDVICTIMADMIN", "secretAccessKey": "victim-admin-secret",
            "account": "\(victimAdministrator)"},
           {"accessKeyId": "AKIDMEMBER", "secretAccessKey": "member-secret", "account": "\(member)"},
           {"accessKeyId": "AKIDADMIN", "secretAccessKey": "admin-secret", "account": "\(memberAdministrator)"}],
         "quotas": {"BatchUpdateFindings": {"rate": 0, "burst": 0}, "BatchImportFindings": {"rate": 0, "burst": 0},
                    "GetFindings": {"rate": 0, "burst": 0}}}
        """

    /// The access key of each account of ``config`` (its secret is `<name>-secret`).
    enum Key: String {
        case victim = "AKIDVICTIM"
        case victimAdministrator = "AKIDVICTIMADMIN"
        case member = "AKIDMEMBER"
        case memberAdministrator = "AKIDADMIN"

        var secret: String {
            switch self {
            case .victim: "victim-secret"
            case .victimAdministrator: "victim-admin-secret"
            case .member: "member-secret"
            case .memberAdministrator: "admin-secret"
            }
        }
    }

    let server: ServeProcess

    init() throws {
        server = try ServeProcess(config: Self.config)
    }

    /// An ASFF finding with the members BatchImportFindings requires.
    static func finding(
        _ id: String, product: String, account: String, updatedAt: String = created, title: String = "original"
    ) -> String {
        """
        {"SchemaVersion": "2018-10-08", "Id": "\(id)", "ProductArn": "\(product)", "GeneratorId": "gen",
         "AwsAccountId": "\(account)", "CreatedAt": "\(created)", "UpdatedAt": "\(updatedAt)", "Title": "\(title)",
         "Description": "d", "Resources": [{"Type": "Other", "Id": "r-\(id)"}], "Severity": {"Label": "LOW"}}
        """
    }

    static func identifier(_ id: String, _ product: String) -> String {
        #"{"Id": "\#(id)", "ProductArn": "\#(product)"}"#
    }

    /// Sends a signed request with `key` and returns the 200 answer's JSON.
    func call(
        _ key: Key, _ method: String, _ path: String, _ body: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let answer = try #require(
            try RawHTTP(port: server.port).exchange(
                HTTPRequestBytes.signed(
                    method: method, path: path, port: server.port, body: Array(body.utf8), accessKeyId: key.rawValue,
                    secret: key.secret)),
            "no answer", sourceLocation: sourceLocation)
        try #require(answer.status == 200, "\(answer.text)", sourceLocation: sourceLocation)
        return answer.json
    }

    /// BatchImportFindings of `findings`: (SuccessCount, [(Id, ErrorCode, ErrorMessage)] of FailedFindings).
    func importFindings(
        _ key: Key, _ findings: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (succeeded: Int, failed: [(id: String, code: String, message: String)]) {
        let answer = try call(
            key, "POST", "/findings/import", #"{"Findings": [\#(findings.joined(separator: ", "))]}"#,
            sourceLocation: sourceLocation)
        let failed = (answer["FailedFindings"] as? [[String: Any]] ?? []).map {
            ($0["Id"] as? String ?? "", $0["ErrorCode"] as? String ?? "", $0["ErrorMessage"] as? String ?? "")
        }
        #expect(answer["FailedCount"] as? Int == failed.count, sourceLocation: sourceLocation)
        return (answer["SuccessCount"] as? Int ?? -1, failed)
    }

    /// Every finding `key` sees (one page: the test stores fewer than 100), each as sorted JSON text, by Id.
    func visibleFindings(_ key: Key, filters: String = "{}") throws -> [String: String] {
        let answer = try call(key, "POST", "/findings", #"{"Filters": \#(filters), "MaxResults": 100}"#)
        #expect(answer["NextToken"] == nil)
        var byId: [String: String] = [:]
        for finding in answer["Findings"] as? [[String: Any]] ?? [] {
            let text = String(
                decoding: try JSONSerialization.data(withJSONObject: finding, options: [.sortedKeys]), as: UTF8.self)
            byId[(finding["Id"] as? String ?? "") + " " + (finding["ProductArn"] as? String ?? "")] = text
        }
        return byId
    }

    /// BatchUpdateFindings setting `Workflow.Status`: the Ids processed and the ErrorCodes of the others.
    func suppress(_ key: Key, _ identifiers: [String], status: String = "SUPPRESSED") throws
        -> (processed: Int, unprocessed: [String])
    {
        let answer = try call(
            key, "PATCH", "/findings/batchupdate",
            #"{"FindingIdentifiers": [\#(identifiers.joined(separator: ", "))], "Workflow": {"Status": "\#(status)"}}"#)
        let processed = (answer["ProcessedFindings"] as? [Any] ?? []).count
        let unprocessed = (answer["UnprocessedFindings"] as? [[String: Any]] ?? []).map {
            $0["ErrorCode"] as? String ?? ""
        }
        return (processed, unprocessed)
    }

    /// The issue's scenario: a member imports the victim's finding under the victim's own product
    /// with its own account and a later `UpdatedAt`, then suppresses it. Both are refused, and the
    /// victim still sees its finding as it was.
    @Test func aMemberCannotTakeOverAnotherAccountsFindingWithACollidingImport() throws {
        let original = Self.finding("victim-1", product: Self.victimProduct, account: Self.victim)
        #expect(try importFindings(.victim, [original]).succeeded == 1)
        let before = try visibleFindings(.victim)
        #expect(before.count == 1)

        let takeOver = Self.finding(
            "victim-1", product: Self.victimProduct, account: Self.member, updatedAt: Self.later, title: "taken")
        let imported = try importFindings(.member, [takeOver])
        #expect(imported.succeeded == 0)
        #expect(imported.failed.map(\.id) == ["victim-1"])
        #expect(imported.failed.map(\.code) == ["AccessDenied"])
        #expect(
            imported.failed.first?.message.hasPrefix("Not authorized to perform: securityhub:BatchImportFindings")
                == true, "\(imported.failed)")

        let suppressed = try suppress(.member, [Self.identifier("victim-1", Self.victimProduct)])
        #expect(suppressed.processed == 0 && suppressed.unprocessed == ["FindingNotFound"])
        #expect(try visibleFindings(.member).isEmpty)
        #expect(try visibleFindings(.victim) == before)
    }

    /// Every kind of colliding import, then updates and reads, by the member and by its
    /// administrator (neither reaches the victim), and by the victim's administrator (which may
    /// update the victim's findings but not move them out of the victim's account).
    @Test func noOtherAccountReplacesHidesOrReadsTheVictimsFindings() throws {
        let victims = [
            Self.finding("victim-1", product: Self.victimProduct, account: Self.victim),
            Self.finding("shared-1", product: Self.sharedProduct, account: Self.victim),
        ]
        #expect(try importFindings(.victim, victims).succeeded == 2)
        let before = try visibleFindings(.victim)
        #expect(before.count == 2)

        // The member: each colliding document refused in its own entry; its own finding imported.
        let byMember = try importFindings(
            .member,
            [
                Self.finding("victim-1", product: Self.victimProduct, account: Self.member, updatedAt: Self.later),
                Self.finding("victim-1", product: Self.victimProduct, account: Self.victim, updatedAt: Self.later),
                Self.finding("shared-1", product: Self.sharedProduct, account: Self.member, updatedAt: Self.later),
                Self.finding("shared-1", product: Self.sharedProduct, account: Self.member, updatedAt: Self.earlier),
                Self.finding("victim-2", product: Self.victimProduct, account: Self.member),
                Self.finding("member-1", product: Self.memberProduct, account: Self.member),
            ])
        #expect(byMember.succeeded == 1)
        #expect(byMember.failed.map(\.id) == ["victim-1", "victim-1", "shared-1", "shared-1", "victim-2"])
        #expect(byMember.failed.allSatisfy { $0.code == "AccessDenied" && !$0.message.isEmpty }, "\(byMember.failed)")

        // The member's administrator, for itself and for its member.
        let byAdministrator = try importFindings(
            .memberAdministrator,
            [
                Self.finding(
                    "victim-1", product: Self.victimProduct, account: Self.memberAdministrator, updatedAt: Self.later),
                Self.finding("victim-1", product: Self.victimProduct, account: Self.member, updatedAt: Self.later),
                Self.finding("shared-1", product: Self.sharedProduct, account: Self.member, updatedAt: Self.later),
                Self.finding(
                    "shared-1", product: Self.sharedProduct, account: Self.memberAdministrator, updatedAt: Self.later),
                Self.finding("member-2", product: Self.memberProduct, account: Self.member),
            ])
        #expect(byAdministrator.succeeded == 1)
        #expect(byAdministrator.failed.map(\.id) == ["victim-1", "victim-1", "shared-1", "shared-1"])
        #expect(byAdministrator.failed.allSatisfy { $0.code == "AccessDenied" }, "\(byAdministrator.failed)")

        // Updates and reads of the victim's keys (and of the key refused above) find nothing.
        let keys = [
            Self.identifier("victim-1", Self.victimProduct), Self.identifier("shared-1", Self.sharedProduct),
            Self.identifier("victim-2", Self.victimProduct),
        ]
        for key in [Key.member, .memberAdministrator] {
            let updated = try suppress(key, keys)
            #expect(updated.processed == 0 && updated.unprocessed == Array(repeating: "FindingNotFound", count: 3))
            for id in ["victim-1", "shared-1", "victim-2"] {
                #expect(
                    try visibleFindings(key, filters: #"{"Id": [{"Value": "\#(id)", "Comparison": "EQUALS"}]}"#)
                        .isEmpty)
            }
            let seen = try visibleFindings(key)
            #expect(Set(seen.keys.map { String($0.prefix { $0 != " " }) }) == ["member-1", "member-2"])
        }

        // The victim's administrator may not move the victim's finding into its own account, nor
        // import under the victim's product for itself.
        let byVictimAdministrator = try importFindings(
            .victimAdministrator,
            [
                Self.finding(
                    "shared-1", product: Self.sharedProduct, account: Self.victimAdministrator, updatedAt: Self.later),
                Self.finding(
                    "victim-1", product: Self.victimProduct, account: Self.victimAdministrator, updatedAt: Self.later),
            ])
        #expect(byVictimAdministrator.succeeded == 0)
        #expect(byVictimAdministrator.failed.map(\.id) == ["shared-1", "victim-1"])

        // The victim's findings are as they were, and still the victim's alone.
        #expect(try visibleFindings(.victim) == before)
        #expect(try visibleFindings(.victimAdministrator) == before)

        // The victim and its administrator still import and update them.
        let reimport = try importFindings(
            .victim,
            [Self.finding("shared-1", product: Self.sharedProduct, account: Self.victim, updatedAt: Self.later)])
        #expect(reimport.succeeded == 1 && reimport.failed.isEmpty)
        #expect(try suppress(.victimAdministrator, Array(keys.prefix(2)), status: "NOTIFIED").processed == 2)
        let after = try visibleFindings(.victim)
        #expect(after.count == 2)
        #expect(after.values.allSatisfy { $0.contains(#""Status":"NOTIFIED""#) }, "\(after)")
    }
}
