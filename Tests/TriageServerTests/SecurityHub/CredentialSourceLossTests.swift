import Foundation
import Synchronization
import Testing
import TriageStandIn
import TriageTestSupport

/// A credential source that goes away in the middle of a run (issue 22, point 9: when STS went
/// away, records failed as `ServiceError` one by one and the run crawled). The credentials in hand
/// are used until they expire; then the run stops with exit status 5, no record failed, and the
/// records left are applied by `--resume` once the source is back.
@Suite struct CredentialSourceLossTests {
    /// Temporary credentials from the container endpoint that live 42 s; every fetch after the
    /// first is answered 503 until the resume. With that lifetime the refresh windows are 10.5 s
    /// (advisory: try, keep the credentials on failure) and 7 s (mandatory) before expiry, and a
    /// failed refresh is tried again each second.
    ///
    /// "Until they expire" is checked on serve's log: the last request it accepted arrived less
    /// than 5.5 s before the expiry (requests go out about 5.6 a second: the bound leaves a loaded
    /// machine 5 s of stalls), where a client that gives up at the mandatory window stops 7 s or
    /// more before it. Synchronous on purpose, as
    /// ``CredentialExpiryTests``: the stand-in must not wait on a busy cooperative pool.
    @Test(arguments: [SourceLoss.unavailable, .silent])
    func credentialsThatCannotBeRefreshedServeUntilTheyExpire(loss: SourceLoss) throws {
        let fixture = try WireFixture(findings: 400, decisions: 400, label: "triage-source-loss")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        // Whole seconds: the container answer's Expiration has none.
        let expires = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 42).rounded(.down))
        let first = TemporaryKey(name: "FIRST", expires: expires)
        let second = TemporaryKey(name: "SECOND", expires: expires.addingTimeInterval(3_600))
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(extraCredentials: [first.serveEntry, second.serveEntry]),
            store: try fixture.copyOfStore("wire"))
        defer { server.stop() }
        let source = Mutex<(fetches: Int, away: Bool)>((0, true))
        let standIn = try CredentialStandIn.start { _ in
            let (count, away) = source.withLock { state in
                state.fetches += 1
                return (state.fetches, state.away)
            }
            if count == 1 { return StandInReply(200, first.containerAnswer) }
            guard away else { return StandInReply(200, second.containerAnswer) }
            return switch loss {
            case .unavailable: StandInReply(503, #"{"message": "unavailable"}"#)
            // Past the client's 2 s timeout for the container endpoint.
            case .silent: StandInReply(200, second.containerAnswer, delay: .seconds(5))
            }
        }
        defer { standIn.stop() }
        let report = fixture.directory.appendingPathComponent("report.json").path
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let environment = [
            "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.url + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth",
        ]
        let resume = ["--report", report, "--journal", journal, "--resume"]
        let arguments =
            [
                "apply", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:\(server.port)",
                fixture.decisions,
            ]
            + resume

        // 400 requests at 1.4 a second in each of 4 Regions: about 71 s, far past the expiry.
        let paced = try fixture.runUnderTest(
            arguments + ["--batch-size", "1", "--rate", "1.4", "--burst", "2"], environment, seconds: 150)
        #expect(paced.status == 5, "\(paced.stderr)")
        #expect(paced.stderr.contains("expired"), "\(paced.stderr)")
        #expect(paced.stderr.contains("--resume"), "\(paced.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["failed"] as? Int == 0, "records failed for want of credentials: \(summary)")
        #expect(summary["processed"] as? Int ?? 0 > 0)
        #expect(summary["remaining"] as? Int ?? 0 > 0)
        #expect(source.withLock { $0.fetches } >= 2, "no refresh was tried")
        let accepted = server.requests().filter { $0.status == "200" }.map(\.time)
        let expiry = Int64(expires.timeIntervalSince1970 * 1000)
        let lastAccepted = try #require(accepted.max())
        #expect(
            lastAccepted >= expiry - 5_500,
            "the last request was accepted \(expiry - lastAccepted) ms before the credentials expired")
        #expect(lastAccepted < expiry)

        // The source is back: the resume fetches new credentials and applies the rest.
        source.withLock { $0.away = false }
        let resumed = try fixture.runUnderTest(arguments, environment, seconds: 150)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let final = try WireFixture.summary(report)
        #expect(final["processed"] as? Int == 400)
        #expect(final["remaining"] as? Int == 0)
        #expect(final["failed"] as? Int == 0)
    }
}

/// How the credential source goes away.
enum SourceLoss: Sendable, CustomTestStringConvertible {
    /// It answers 503.
    case unavailable
    /// It accepts the connection and does not answer in time.
    case silent

    var testDescription: String { self == .unavailable ? "503" : "no answer" }
}
