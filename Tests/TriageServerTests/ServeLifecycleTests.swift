import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Start-up, the default credential's notice, and graceful shutdown of the real process.
@Suite struct ServeLifecycleTests {
    @Test func withoutAConfigItSaysWhichCredentialItAccepts() throws {
        let server = try ServeProcess()
        #expect(server.log.contains("access key test, secret test, account 000000000000"))
        #expect(server.stop() == 0)
    }

    @Test func SIGTERMFinishesTheRequestInFlightThenExitsZero() throws {
        let server = try ServeProcess(
            config: """
                {"accounts": {"000000000000": {}},
                 "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}],
                 "faults": {"latencyMs": 1500}}
                """)
        let http = RawHTTP(port: server.port)
        nonisolated(unsafe) var answer: RawHTTP.Answer?
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            answer = try? http.exchange(
                HTTPRequestBytes.signed(method: "POST", path: "/findings", port: http.port, body: Array("{}".utf8)))
            done.signal()
        }
        usleep(500_000)
        kill(server.processIdentifier, SIGTERM)
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(answer?.status == 200)
        #expect(server.stop() == 0)
        // The request was in flight when SIGTERM came: its answer waited the 1,500 ms of latencyMs.
        let line = try #require(server.log.split(separator: "\n").first { $0.contains(" GetFindings 200 ") })
        let milliseconds = line.split(separator: " ").first { $0.hasSuffix("ms") }.flatMap { Double($0.dropLast(2)) }
        #expect((milliseconds ?? 0) >= 1500, "\(line)")
        // Stopped accepting: a new connection is refused.
        #expect(throws: (any Error).self) {
            try http.exchange(HTTPRequestBytes.request(method: "GET", path: "/", port: http.port))
        }
    }

    @Test func anUnknownConfigMemberIsAStartUpError() throws {
        let directory = TestPaths.temporaryDirectory("triage-serve-config")
        let config = directory.appendingPathComponent("config.json")
        try Data(
            #"{"accounts": {"000000000000": {}}, "credentials": [{"accessKeyId": "k", "secretAccessKey": "s3cr3t-value", "account": "000000000000", "polices": []}]}"#
                .utf8
        ).write(to: config)
        let run = try ServeProcess.runToEnd(
            [
                "serve", "--port", "0", "--store", directory.appendingPathComponent("s.sqlite").path, "--config",
                config.path,
            ])
        #expect(run.status == 2)
        #expect(run.stderr.contains("polices"), "\(run.stderr)")
        #expect(run.stderr.contains("did you mean policies?"), "\(run.stderr)")
        #expect(!run.stderr.contains("s3cr3t-value"))
        #expect(run.stdout.isEmpty)
    }

    @Test func aPortInUseIsAStartUpError() throws {
        let first = try ServeProcess()
        let run = try ServeProcess.runToEnd(
            ["serve", "--port", String(first.port), "--store", first.directory.appendingPathComponent("b.sqlite").path])
        #expect(run.status == 2)
        #expect(run.stderr.contains("triage serve: error:"), "\(run.stderr)")
        first.stop()
    }
}
