import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
import TriageCore
import TriageSigV4
import TriageTestSupport

@testable import TriageSecurityHub
@testable import TriageServer

/// STS sessions against a `triage serve` run in process on 127.0.0.1 with a clock the test moves
/// (issue 18, point 3): a session expires at its `Expiration` to the millisecond, everywhere; and
/// triage's own STS client (`STSClient`, `STSResponse`) reads serve's answers, credentials and
/// errors alike.
@Suite struct STSSessionTests {
    static let config = """
        {"accounts": {"111111111111": {}, "222222222222": {}},
         "credentials": [{"accessKeyId": "AKIDCALLER", "secretAccessKey": "caller-secret", "account": "111111111111"}],
         "roles": [{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111"]}]}
        """

    /// A server on a free port of 127.0.0.1 reading `clock`, until `body` returns.
    static func withServer<T>(
        config: ServeConfig, clock: ManualClock, _ body: (_ port: Int) async throws -> T
    ) async throws -> T {
        let directory = TestPaths.temporaryDirectory("triage-sts")
        var options = SecurityHubServer.Options(
            storePath: directory.appendingPathComponent("findings.sqlite").path, config: config,
            clock: clock.jobClock)
        options.createStore = true
        options.port = 0
        let port = Mutex<Int?>(nil)
        let ended = Mutex<String?>(nil)
        // The server's tasks run on Dispatch's threads: in the whole suite, tests that block Swift
        // concurrency's few threads (one per core) would otherwise keep it from answering.
        let server = Task(executorPreference: DispatchTaskExecutor.shared) {
            do {
                try await SecurityHubServer.run(options, log: RequestLog { _ in }) { _, bound in
                    port.withLock { $0 = bound }
                }
                ended.withLock { $0 = "the server stopped before it was asked to" }
            } catch {
                ended.withLock { $0 = "the server failed: \(error)" }
            }
        }
        defer { server.cancel() }
        // A hang detector only: in the whole suite on 2 cores, tests that block their thread can
        // hold Swift concurrency's threads for tens of seconds (a 5 ms sleep was seen to take 48 s),
        // so the deadline is generous; a server that fails to start is told at once.
        let deadline = ContinuousClock.now + .seconds(600)
        while port.withLock({ $0 }) == nil {
            if let why = ended.withLock({ $0 }) { Issue.record(Comment(rawValue: why)) }
            try #require(ended.withLock { $0 } == nil && ContinuousClock.now < deadline, "the server did not start")
            try await Task.sleep(for: .milliseconds(5))
        }
        return try await body(port.withLock { $0 }!)
    }

    static func exchange(_ bytes: [UInt8], port: Int) async throws -> HTTPAnswer {
        try await offloadedThread { try #require(try RawHTTP(port: port).exchange(bytes)) }
    }

    @Test func aSessionExpiresAtItsExpirationEverywhere() async throws {
        let clock = ManualClock()
        try await Self.withServer(config: try ServeConfig(json: Array(Self.config.utf8)), clock: clock) { port in
            func date() -> SigningDate { SigningDate(secondsSince1970: clock.wallMilliseconds / 1000) }
            let answer = try await Self.exchange(
                STSRequestBytes.assumeRole(
                    "arn:aws:iam::222222222222:role/triage", extra: [("DurationSeconds", "900")], port: port,
                    accessKeyId: "AKIDCALLER", secret: "caller-secret", date: date()),
                port: port)
            let session = try #require(IssuedSession(answer), "\(answer.text)")
            // The manual clock starts at 2026-01-01T00:00:00Z.
            #expect(session.expiration == "2026-01-01T00:15:00Z")
            func getFindings() async throws -> HTTPAnswer {
                try await Self.exchange(
                    HTTPRequestBytes.signed(
                        method: "POST", path: "/findings", port: port, body: Array("{}".utf8),
                        accessKeyId: session.accessKeyId, secret: session.secretAccessKey,
                        sessionToken: session.sessionToken, date: date()),
                    port: port)
            }
            func callerIdentity() async throws -> HTTPAnswer {
                try await Self.exchange(
                    STSRequestBytes.signed(
                        [("Action", "GetCallerIdentity")], port: port, accessKeyId: session.accessKeyId,
                        secret: session.secretAccessKey, sessionToken: session.sessionToken, date: date()),
                    port: port)
            }
            clock.advance(byMilliseconds: 899_999)
            #expect(try await getFindings().status == 200)
            #expect(try await callerIdentity().xml("Account") == "222222222222")
            clock.advance(byMilliseconds: 1)
            let expired = try await getFindings()
            #expect(expired.status == 403 && expired.errorType == "ExpiredTokenException", "\(expired.text)")
            #expect(expired.json["Message"] as? String == "The security token included in the request is expired")
            let stsExpired = try await callerIdentity()
            #expect(stsExpired.status == 403 && stsExpired.stsCode == "ExpiredToken", "\(stsExpired.text)")
            #expect(stsExpired.xml("Message") == "The security token included in the request is expired")
        }
    }

    /// `STSClient.assumeRole` (the chain's and `--assume-role`'s) against serve: the credentials
    /// and the account parsed from the answer, and STS's `AccessDenied` read from its error.
    @Test func triagesOwnSTSClientReadsServesAnswers() async throws {
        let clock = ManualClock()
        try await Self.withServer(config: try ServeConfig(json: Array(Self.config.utf8)), clock: clock) { port in
            let environment = CredentialEnvironment(
                variables: ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:\(port)", "AWS_REGION": "eu-west-1"],
                profile: nil, homeDirectory: TestPaths.temporaryDirectory("triage-sts-home").path,
                now: { clock.wallMilliseconds }, http: HTTPClient.shared)
            let client = STSClient(context: CredentialContext(environment: environment))
            func assume(_ roleArn: String, key: String) async throws -> Result<AWSCredentials, SecurityHubError> {
                try await offloadedThread {
                    Result { () throws(SecurityHubError) -> AWSCredentials in
                        try client.assumeRole(
                            roleArn: roleArn, sessionName: "triage-run", externalId: nil, durationSeconds: 1800,
                            credentials: AWSCredentials(
                                accessKeyId: key, secretAccessKey: "caller-secret", sessionToken: nil,
                                expiration: nil, accountId: nil))
                    }
                }
            }
            let credentials = try await assume("arn:aws:iam::222222222222:role/triage", key: "AKIDCALLER").get()
            #expect(credentials.accessKeyId.hasPrefix("ASIA"))
            #expect(credentials.sessionToken?.isEmpty == false)
            #expect(credentials.accountId == "222222222222")
            #expect(credentials.expiration == clock.wallMilliseconds + 1_800_000)
            let denied = try await assume("arn:aws:iam::222222222222:role/other", key: "AKIDCALLER")
            guard case .failure(let error) = denied else {
                Issue.record("an unknown role was assumed")
                return
            }
            #expect(
                error.message
                    == "STS AssumeRole failed: HTTP 403 AccessDenied: User: arn:aws:iam::111111111111:user/AKIDCALLER "
                    + "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/other")
        }
    }

    @Test func withoutAConfigFileAnyRoleMayBeAssumedByTheDefaultAccount() throws {
        let roles = ServeConfig.defaultConfig.roles
        let role = try #require(roles.role(arn: "arn:aws:iam::123456789012:role/path/triage"))
        #expect(role.account == "123456789012" && role.name == "triage")
        #expect(role.trust == [ServeConfig.defaultAccount])
        #expect(role.maxSessionDuration == 43200)
        for notARole in [
            "arn:aws:iam::123456789012:user/triage", "arn:aws:iam::12345678901:role/triage",
            "arn:aws:iam:us-east-1:123456789012:role/triage", "arn:aws:iam::123456789012:role/", "triage",
            "arn:aws:iam::123456789012:role/a b",
        ] {
            #expect(roles.role(arn: notARole) == nil, "\(notARole)")
        }
    }
}

/// Runs blocking `work` on a thread of its own and waits for it without blocking a Swift
/// concurrency thread (the server runs on them).
func offloadedThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// A task executor on Dispatch's threads (which grow when some block), for an in-process server
/// that must answer while other tests hold Swift concurrency's cooperative threads.
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// The one the tests use.
    static let shared = DispatchTaskExecutor()
    private let queue = DispatchQueue(label: "triage.tests.serve", attributes: .concurrent)

    /// Runs `job` on the queue.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
