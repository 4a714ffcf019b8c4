import Synchronization
import Testing
import TriageStandIn

@testable import TriageSecurityHub

/// `--assume-role`: each account's role assumed once with the run's own credentials, kept fresh,
/// and a role STS refuses remembered with STS's code and message.
@Suite struct AccountRolesTests {
    static let template = "arn:aws:iam::{account}:role/triage"

    /// An STS stand-in: `AccessDenied` for a role of an account in `refused`, HTTP 500 for one in
    /// `failing`, else key `ASIA<account>-<n>` for the n-th call, valid for an hour of `clock`.
    static func sts(
        _ clock: FakeClock, refused: Set<String> = [], failing: Set<String> = []
    ) -> @Sendable (RecordedRequest) -> StandInReply {
        let calls = Mutex(0)
        return { request in
            let number = calls.withLock {
                $0 += 1
                return $0
            }
            let role = RecordedRequest.parameters(request.text)["RoleArn"] ?? ""
            let account = role.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(
                String.init)
            if let account, refused.contains(account) {
                return StandInReply(
                    403,
                    """
                    <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>\
                    <Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/ops is not authorized to \
                    perform: sts:AssumeRole on resource: \(role)</Message></Error><RequestId>r</RequestId></ErrorResponse>
                    """)
            }
            if let account, failing.contains(account) {
                return StandInReply(500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>")
            }
            return StandInReply(
                200,
                stsAnswer(
                    "AssumeRole", keyId: "ASIA\(account ?? "?")-\(number)", secret: "s-\(number)", token: "t-\(number)",
                    expiration: clock.iso(after: 3600), arn: "arn:aws:sts::\(account ?? "?"):assumed-role/triage/s"))
        }
    }

    /// A world with static base keys, STS at `sts`, and the roles of `settings`.
    static func roles(
        _ world: CredentialTestWorld, sts: String,
        settings: AssumeRoleSettings = AssumeRoleSettings(roleArnTemplate: template)
    ) async throws -> AccountRoles {
        world.set("AWS_ACCESS_KEY_ID", "AKIABASE")
        world.set("AWS_SECRET_ACCESS_KEY", "base-secret")
        world.set("AWS_ENDPOINT_URL_STS", sts)
        world.set("AWS_REGION", "us-east-1")
        let base = try await world.resolve()
        return AccountRoles(
            settings: settings, base: base, context: CredentialContext(environment: world.environment()))
    }

    /// `credentials(for:)` off the concurrency threads (it blocks on HTTP).
    static func answer(_ roles: AccountRoles, _ account: String) async throws -> AccountRoles.Answer {
        try await offloaded { roles.credentials(for: account) }
    }

    @Test func eachAccountsRoleIsAssumedOnceWithItsParametersThenRefreshed() async throws {
        let world = try CredentialTestWorld()
        try await CredentialStandIn.with(Self.sts(world.clock)) { (sts) async throws in
            let settings = AssumeRoleSettings(
                roleArnTemplate: Self.template, externalId: "ext-7", sessionName: "nightly", durationSeconds: 900)
            let roles = try await Self.roles(world, sts: sts.url, settings: settings)
            // Eight batches of two accounts at once: one AssumeRole each.
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        guard
                            case .credentials(let credentials) = try await Self.answer(
                                roles, index % 2 == 0 ? "222222222222" : "333333333333")
                        else { return "none" }
                        return credentials.accessKeyId
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(keys.count == 2 && keys.allSatisfy { $0.hasPrefix("ASIA") }, "\(keys)")
            #expect(sts.requests.count == 2)
            let forms = sts.requests.map { RecordedRequest.parameters($0.text) }
            #expect(
                Set(forms.compactMap { $0["RoleArn"] }) == [
                    "arn:aws:iam::222222222222:role/triage", "arn:aws:iam::333333333333:role/triage",
                ])
            #expect(forms.allSatisfy { $0["ExternalId"] == "ext-7" && $0["RoleSessionName"] == "nightly" })
            #expect(forms.allSatisfy { $0["DurationSeconds"] == "900" })
            for request in sts.requests {
                try STSCredentialTests.expectSigned(
                    request, keyId: "AKIABASE", secret: "base-secret", token: nil, region: "us-east-1",
                    clock: world.clock)
            }
            // Within the hour's mandatory window (10 minutes before expiry) the role is assumed again.
            world.clock.advance(seconds: 3600 - 5 * 60)
            guard case .credentials(let fresh) = try await Self.answer(roles, "222222222222") else {
                Issue.record("no credentials after the refresh")
                return
            }
            #expect(sts.requests.count == 3)
            #expect(!keys.contains(fresh.accessKeyId))
            #expect(roles.outcomes().map(\.account).sorted() == ["222222222222", "333333333333"])
        }
    }

    @Test func aRefusedRoleFailsWithSTSsWordsAndIsNotAskedAgain() async throws {
        let world = try CredentialTestWorld()
        try await CredentialStandIn.with(Self.sts(world.clock, refused: ["444444444444"])) { (sts) async throws in
            let roles = try await Self.roles(world, sts: sts.url)
            for _ in 0..<3 {
                guard case .refused(let code, let message) = try await Self.answer(roles, "444444444444") else {
                    Issue.record("not refused")
                    return
                }
                #expect(code == "AccessDenied")
                #expect(message.hasPrefix("User: arn:aws:iam::111111111111:user/ops is not authorized to perform"))
                #expect(message.hasSuffix("arn:aws:iam::444444444444:role/triage"))
            }
            #expect(sts.requests.count == 1)
            guard case .credentials = try await Self.answer(roles, "222222222222") else {
                Issue.record("another account's role was refused too")
                return
            }
            let outcomes = roles.outcomes()
            #expect(outcomes.count == 2 && outcomes[0].refusal?.code == "AccessDenied" && outcomes[1].refusal == nil)
        }
    }

    @Test func stsFailingIsNotARefusalAndIsAskedAgain() async throws {
        let world = try CredentialTestWorld()
        try await CredentialStandIn.with(Self.sts(world.clock, failing: ["555555555555"])) { (sts) async throws in
            let roles = try await Self.roles(world, sts: sts.url)
            for _ in 0..<2 {
                guard case .unavailable(let message) = try await Self.answer(roles, "555555555555") else {
                    Issue.record("a failing STS was taken for a refusal")
                    return
                }
                #expect(message.contains("arn:aws:iam::555555555555:role/triage"))
                #expect(!message.contains("base-secret"))
            }
            #expect(sts.requests.count == 2)
            #expect(roles.outcomes().isEmpty)
        }
    }

    @Test(
        "usable settings, and why others are not",
        arguments: [
            ("arn:aws:iam::{account}:role/triage", nil, nil, true),
            ("arn:aws-cn:iam::{account}:role/path/triage", "s", 43_200, false),
            ("arn:aws:iam::123456789012:role/triage", nil, nil, false),
            ("arn:aws:iam::{account}:user/triage", nil, nil, false),
            ("arn:aws:iam::{account}:role/", nil, nil, false),
            ("arn:aws:iam::{account}:role/triage", "bad name!", nil, false),
            ("arn:aws:iam::{account}:role/triage", nil, 899, false),
        ] as [(String, String?, Int?, Bool)])
    func settingsCheck(_ template: String, _ session: String?, _ duration: Int?, _ usable: Bool) {
        let settings = AssumeRoleSettings(roleArnTemplate: template, sessionName: session, durationSeconds: duration)
        #expect((settings.check() == nil) == usable, "\(settings.check() ?? "usable")")
    }
}
