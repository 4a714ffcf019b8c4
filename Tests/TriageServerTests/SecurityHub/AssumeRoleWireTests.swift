import Foundation
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

/// `apply --target securityhub --assume-role` against `triage serve` answering STS: each account's
/// findings go with that account's role, assumed once; a role STS refuses fails only its
/// account's records, with STS's code and message.
@Suite(.serialized)
struct AssumeRoleWireTests {
    static let template = "arn:aws:iam::{account}:role/triage"

    /// The wire config with a role in each synthetic account trusting the administrator
    /// (000000000000), except the accounts in `untrusted`, whose role trusts another account.
    static func config(untrusted: Set<String>) -> String {
        let roles = SyntheticData.accounts.map { account in
            let trusted = untrusted.contains(account) ? "999999999999" : "000000000000"
            return #"{"arn": "arn:aws:iam::\#(account):role/triage", "trust": ["\#(trusted)"]}"#
        }
        var config = ServeProcess.wireConfig()
        let end = try! #require(config.lastIndex(of: "}"))
        config.replaceSubrange(end...end, with: ", \"roles\": [\(roles.joined(separator: ", "))]}")
        return config
    }

    /// The report's entries as (account, Id, error code or nil).
    static func entries(_ report: String) throws -> [(account: String?, id: String, code: String?)] {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        var entries: [(account: String?, id: String, code: String?)] = []
        for entry in object["ProcessedFindings"] as? [[String: Any]] ?? [] {
            entries.append((entry["AwsAccountId"] as? String, entry["Id"] as? String ?? "", nil))
        }
        for entry in object["UnprocessedFindings"] as? [[String: Any]] ?? [] {
            let identifier = entry["FindingIdentifier"] as? [String: Any]
            entries.append(
                (entry["AwsAccountId"] as? String, identifier?["Id"] as? String ?? "", entry["ErrorCode"] as? String))
        }
        return entries
    }

    @Test("each account's role sends its findings; a refused role fails its account's records once, exit 1")
    func eachAccountsRoleSendsItsFindings() throws {
        let fixture = try WireFixture(findings: 400, decisions: 400, label: "triage-assume-role")
        let refused = SyntheticData.accounts[3]
        let server = try ServeProcess(
            config: Self.config(untrusted: [refused]), store: try fixture.copyOfStore("served"))
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--assume-role", Self.template, "--report", report, "--role-session-name", "nightly"],
            environment: ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(server.port)"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("account \(refused): arn:aws:iam::\(refused):role/triage could not be assumed"))

        let entries = try Self.entries(report)
        #expect(entries.count == 400)
        for entry in entries {
            // The account is the Id's (the synthetic Ids are ARNs), and only the refused one fails.
            #expect(entry.account == FindingAccount.fromARN(entry.id))
            if entry.account == refused {
                #expect(entry.code == "AccessDenied")
            } else {
                // Another member's role, or the run's own credentials for an Id without an account.
                #expect(entry.code == nil, "\(entry)")
            }
        }
        let unprocessed =
            try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any]
            )[
                "UnprocessedFindings"] as? [[String: Any]]
        let message = try #require(unprocessed?.first?["ErrorMessage"] as? String)
        #expect(message.contains("is not authorized to perform: sts:AssumeRole"), "\(message)")

        // Every update went with a member's role, never the administrator's key; each account's
        // role was asked for once.
        let callers = server.log.split(separator: "\n").compactMap { line -> (String, String)? in
            let fields = line.split(separator: " ")
            return fields.count > 4 ? (String(fields[4]), String(fields[2])) : nil
        }
        let updaters = Set(callers.filter { $0.0 == "BatchUpdateFindings" }.map(\.1))
        #expect(updaters == Set(SyntheticData.accounts.filter { $0 != refused }).union(["000000000000"]))
        #expect(entries.contains { $0.account == nil }, "the synthetic data has Ids without an account")
        #expect(callers.filter { $0.0 == "AssumeRole" }.count == SyntheticData.accounts.count)

        let summary = try WireFixture.summary(report)
        let accounts = try #require(summary["accounts"] as? [String: Any])
        #expect(Set(accounts.keys) == Set(SyntheticData.accounts.filter { $0 != refused }))
        let sent = accounts.values.compactMap { ($0 as? [String: Any])?["findings"] as? Int }.reduce(0, +)
        #expect(sent == entries.filter { $0.code == nil && $0.account != nil }.count)
    }

    @Test(
        "no account's role can be assumed: their records fail with AccessDenied and the run exits 5; records without an account go with the run's own credentials"
    )
    func noRoleAssumedIsTheTargetFailing() throws {
        let fixture = try WireFixture(findings: 40, decisions: 40, label: "triage-assume-role-none")
        let server = try ServeProcess(
            config: Self.config(untrusted: Set(SyntheticData.accounts)), store: try fixture.copyOfStore("served"))
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--assume-role", Self.template, "--report", report],
            environment: ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(server.port)"])
        #expect(run.status == 5, "\(run.stderr)")
        #expect(run.stderr.contains("the target failed the run"), "\(run.stderr)")
        let entries = try Self.entries(report)
        #expect(entries.count == 40)
        for entry in entries { #expect(entry.code == (entry.account == nil ? nil : "AccessDenied"), "\(entry)") }
        let updaters = server.log.split(separator: "\n").filter { $0.contains(" BatchUpdateFindings ") }
        #expect(updaters.allSatisfy { $0.split(separator: " ")[2] == "000000000000" })
    }

    @Test("a dry run with --assume-role plans per account and Region, without credentials or STS")
    func dryRunPlansPerAccountAndRegion() throws {
        let fixture = try WireFixture(findings: 200, decisions: 200, label: "triage-assume-role-plan")
        let run = try CommandRun.run(
            TestPaths.triageBinary,
            [
                "apply", "--target", "securityhub", "--dry-run", fixture.decisions, "--assume-role", Self.template,
                "--endpoint-url", "http://127.0.0.1:9",
            ],
            wholeEnvironment: fixture.environment(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("the plan per account and Region"))
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("  account ") }
        // Every (account, Region) of the synthetic data that has decisions has a line, and the
        // findings add up.
        #expect(lines.count > SyntheticData.accounts.count)
        let findings = lines.compactMap { line in
            line.split(separator: ",").last.flatMap { Int($0.split(separator: " ").first ?? "") }
        }
        #expect(findings.reduce(0, +) == 200, "\(lines)")
    }
}
