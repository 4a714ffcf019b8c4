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
        // Read on the thread below only, once the request is sent.
        nonisolated(unsafe) let connection = try HTTPConnection(port: http.port)
        connection.send(
            HTTPRequestBytes.signed(method: "POST", path: "/findings", port: http.port, body: Array("{}".utf8)))
        nonisolated(unsafe) var answer: RawHTTP.Answer?
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            answer = connection.readAnswer()
            done.signal()
        }
        // SIGTERM once the request is in flight: serve has read it and waits its 1,500 ms of latency.
        let inFlight = ProcessProbe.waitUntil {
            ProcessProbe.hasReadEverythingSent(server: server.processIdentifier, port: server.port)
        }
        try #require(inFlight, "serve never read the request")
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

    @Test func aMissingStoreIsAStartUpErrorAndNothingIsCreated() throws {
        let directory = TestPaths.temporaryDirectory("triage-serve-missing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("typo.sqlite").path
        let run = try ServeProcess.runToEnd(["serve", "--port", "0", "--store", path], seconds: 15)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(
            run.stderr.split(separator: "\n") == [
                "triage serve: no store at \(path); give --create to start an empty one "
                    + "(or import findings first: triage import FILE --store \(path))"
            ], "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func anEmptyFileIsAStartUpErrorWithoutCreate() throws {
        let directory = TestPaths.temporaryDirectory("triage-serve-empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let run = try ServeProcess.runToEnd(
            ["serve", "--port", "0", "--store", path, "--config", try Self.minimalConfig(in: directory)], seconds: 15)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(
            run.stderr.split(separator: "\n") == [
                "triage serve: \(path) is empty, not a findings store; give --create to start an empty one "
                    + "there (or import findings first: triage import FILE --store \(path))"
            ], "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [
                "empty.sqlite", "minimal-config.json",
            ])
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
    }

    @Test func createStartsAnEmptyStoreWhereThereIsNone() throws {
        let directory = TestPaths.temporaryDirectory("triage-serve-create")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("new.sqlite").path
        let server = try ServeProcess(store: path, extraArguments: ["--create"])
        #expect(FileManager.default.fileExists(atPath: path))
        let answer = try RawHTTP(port: server.port).exchange(
            HTTPRequestBytes.signed(method: "POST", path: "/findings", port: server.port, body: Array("{}".utf8)))
        #expect(answer?.status == 200)
        #expect(answer?.json["Findings"] as? [Any] != nil)
        #expect((answer?.json["Findings"] as? [Any])?.isEmpty == true)
        #expect(server.stop() == 0)
        // The store it created is a findings store: export reads it.
        let export = try CommandRun.triage(["export", "--store", path])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.isEmpty)
    }

    @Test func aPortInUseIsOneLineNamingTheAddressAndTheOption() throws {
        let first = try ServeProcess()
        defer { first.stop() }
        let run = try ServeProcess.runToEnd(
            [
                "serve", "--port", String(first.port), "--store",
                first.directory.appendingPathComponent("b.sqlite").path,
                "--create", "--config", try Self.minimalConfig(in: first.directory),
            ], seconds: 15)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(
            run.stderr.split(separator: "\n") == [
                "triage serve: cannot listen on 127.0.0.1:\(first.port): the port is in use; "
                    + "choose another with --port (or --port 0 for any free port)"
            ], "\(run.stderr)")
        #expect(!run.stderr.contains("errno"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(first.isRunning)
    }

    @Test func aHostNotOfThisMachineIsOneLineNamingTheAddress() throws {
        let directory = TestPaths.temporaryDirectory("triage-serve-host")
        defer { try? FileManager.default.removeItem(at: directory) }
        // 192.0.2.1 (TEST-NET-1, RFC 5737) is no address of this machine: EADDRNOTAVAIL.
        let run = try ServeProcess.runToEnd(
            [
                "serve", "--host", "192.0.2.1", "--port", "4510", "--store",
                directory.appendingPathComponent("s.sqlite").path, "--create", "--config",
                try Self.minimalConfig(in: directory),
            ], seconds: 15)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(
            run.stderr.split(separator: "\n") == [
                "triage serve: cannot listen on 192.0.2.1:4510: the host is not an address of this machine; "
                    + "choose another with --host (127.0.0.1 by default)"
            ], "\(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    /// A config file in `directory` (so that stderr has no notice of the default credential).
    private static func minimalConfig(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("minimal-config.json")
        try Data(
            #"{"accounts": {"000000000000": {}}, "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}]}"#
                .utf8
        ).write(to: path)
        return path.path
    }
}
