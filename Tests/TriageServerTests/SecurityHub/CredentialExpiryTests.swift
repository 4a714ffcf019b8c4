import Foundation
import Synchronization
import Testing
import TriageStandIn
import TriageTestSupport

/// Temporary credentials from the container endpoint that expire in the middle of a run.
@Suite struct CredentialExpiryTests {
    /// A session token that expires 30 s into a run of about 41 s (240 requests, 4 Regions at
    /// 1.4 requests/s each; its refresh windows are then 7.5 s and 5 s before the expiry); the
    /// container stand-in serves a fresh one on the next fetch. `serve` refuses an expired token (403, never retried), so the run
    /// ends without failures only if triage refreshed in time and signed each request with the
    /// credentials current when it was sent.
    ///
    /// Synchronous on purpose: an async test waits on the cooperative pool, which the suite's
    /// blocking tests can keep busy for longer than the credentials live.
    @Test func aRunOutlivesItsCredentials() throws {
        let fixture = try WireFixture(findings: 240, decisions: 240, label: "triage-expiry")
        let startedAt = Date()
        let first = TemporaryKey(name: "FIRST", expires: startedAt.addingTimeInterval(30))
        let second = TemporaryKey(name: "SECOND", expires: startedAt.addingTimeInterval(3_600))
        let server = try ServeProcess(
            config: ServeProcess.wireConfig(extraCredentials: [first.serveEntry, second.serveEntry]),
            store: try fixture.copyOfStore("wire"))
        defer { server.stop() }
        let fetches = Mutex<[Date]>([])
        let standIn = try CredentialStandIn.start { _ in
            let count = fetches.withLock { fetches in
                fetches.append(Date())
                return fetches.count
            }
            return StandInReply(200, (count == 1 ? first : second).containerAnswer)
        }
        defer { standIn.stop() }
        let report = fixture.directory.appendingPathComponent("report.json").path
        let run = try fixture.apply(
            against: server, ["--report", report, "--batch-size", "1", "--rate", "1.4", "--burst", "2"],
            environment: [
                "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": standIn.url + "/v1/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "container-auth",
            ])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["processed"] as? Int == 240)
        #expect(Date().timeIntervalSince(startedAt) > 35, "the run must outlive the first credentials")
        let times = fetches.withLock { $0 }
        #expect(times.count >= 2, "the credentials were never refreshed")
        if times.count >= 2 {
            #expect(times[1] < first.expires, "refreshed only after the first credentials expired")
        }
        let refused = server.log.split(separator: "\n").filter { $0.contains("ExpiredToken") }
        #expect(refused.isEmpty, "\(refused.prefix(3))")
    }
}
