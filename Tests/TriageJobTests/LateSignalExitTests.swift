import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Once a run has finished, its exit status is its own whatever signal arrives before the process
/// exits (issue 22, point 13: a SIGTERM just after a run gave exit status 143 in 8 of 40 runs).
///
/// The window is held open deterministically: the final `--metrics` file, written by the
/// executable after the run ended (the signal handlers removed), is a FIFO whose pipe the test
/// has filled, so the process blocks writing it. Once the process has the FIFO open, the signal
/// is sent; then the test drains the pipe and the process ends. The runs under test use
/// ``TriageUnderTest/binary``.
@Suite struct LateSignalExitTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalAfterTheRunKeepsItsExitStatus(signal: Int32) throws {
        let directory = TestPaths.temporaryDirectory("late-signal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let samples = TestPaths.packageRoot.appendingPathComponent("samples").path
        let store = directory.appendingPathComponent("findings.sqlite").path
        let imported = try CommandRun.triage(["import", "\(samples)/findings.ndjson.gz", "--store", store])
        try #require(imported.status == 0, "\(imported.stderr)")

        let fifo = directory.appendingPathComponent("triage.prom").path
        try #require(mkfifo(fifo, 0o644) == 0)
        // Both ends in this process, never inherited: the run's open does not wait for a reader,
        // and its write waits for room in the pipe, which is full.
        let pipe = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        try #require(pipe >= 0)
        defer { close(pipe) }
        let filler = [UInt8](repeating: UInt8(ascii: "#"), count: 4096)
        var filled = 0
        // Writes of PIPE_BUF bytes are all or nothing: EAGAIN once the pipe is full.
        while write(pipe, filler, filler.count) == filler.count { filled += filler.count }
        try #require(filled > 0)

        // The samples hold invalid records on purpose: the run's own exit status is 1.
        let process = try Process.start(
            ["apply", "\(samples)/decisions.csv", "--store", store, "--metrics", fifo],
            stdout: directory.appendingPathComponent("out"), stderr: directory.appendingPathComponent("err"),
            executable: TriageUnderTest.binary, directory: directory)
        defer { _ = process.waitForExit(seconds: 1) }
        try Self.waitUntil { Self.holds(process.processIdentifier, open: fifo) || !process.isRunning }
        try #require(process.isRunning, "the run ended without writing the metrics file")
        kill(process.processIdentifier, signal)

        var written: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let count = read(pipe, &buffer, buffer.count)
            if count > 0 {
                written += buffer[0..<count]
            } else if !process.isRunning {
                break
            } else {
                usleep(10_000)
            }
        }
        let status = process.waitForExit(seconds: 10)
        let stderr = (try? String(contentsOf: directory.appendingPathComponent("err"), encoding: .utf8)) ?? ""
        #expect(status == 1, "exit status \(String(describing: status)) after signal \(signal): \(stderr)")
        let metrics = String(decoding: written.dropFirst(filled), as: UTF8.self)
        #expect(metrics.contains("triage_last_exit_status 1"), "\(metrics)")
    }

    /// Whether process `pid` has `path` open (one of its `/proc/PID/fd` links names it).
    static func holds(_ pid: Int32, open path: String) -> Bool {
        let directory = "/proc/\(pid)/fd"
        let target = TriageUnderTest.resolved(path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.contains { name in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + name)) == target
        }
    }

    /// Polls `condition` every 5 ms, failing after 60 s.
    static func waitUntil(_ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while !condition() {
            try #require(Date() < deadline, "timed out")
            usleep(5_000)
        }
    }
}
