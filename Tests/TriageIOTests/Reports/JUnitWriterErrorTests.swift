import Foundation
import Testing
import TriageIO

@Suite("JUnitWriter errors")
struct JUnitWriterErrorTests {
    static let suite = JUnitSuite(
        name: "in.ndjson", id: 0, timestamp: "2024-01-01T00:00:00", hostname: "h", tests: 1, failures: 0, time: 0)

    /// Runs `body` and returns the TriageIOError it throws, or nil.
    static func error(_ body: () throws -> Void) -> TriageIOError? {
        do {
            try body()
            return nil
        } catch {
            return error as? TriageIOError
        }
    }

    @Test("a full disk surfaces as a write error with ENOSPC, at the latest in finish, and sticks")
    func diskFull() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"))
        let writer = try JUnitWriter(path: "/dev/full")
        let failure = Self.error {
            try writer.beginSuite(Self.suite)
            for index in 0..<10_000 {
                try writer.testCase(name: "finding \(index)", classname: "c", time: 0, failure: nil)
            }
            try writer.endSuite(systemOut: "", systemErr: "")
            try writer.finish()
        }
        let error = try #require(failure)
        #expect(error.code == .junit(.write))
        #expect(error.systemError == ENOSPC)
        #expect(error.description.hasPrefix("JUnit report /dev/full: cannot write: "))
        #expect(!error.description.contains("\n"))
        #expect(Self.error { try writer.finish() }?.code == .junit(.write))
    }

    @Test("a small report on a full disk fails in finish")
    func diskFullSmallReport() throws {
        let writer = try JUnitWriter(path: "/dev/full")
        try writer.beginSuite(Self.suite)
        try writer.endSuite(systemOut: "", systemErr: "")
        let error = Self.error { try writer.finish() }
        #expect(error?.code == .junit(.write))
        #expect(error?.systemError == ENOSPC)
    }

    @Test("a file that cannot be created is an open error naming the path")
    func cannotOpen() {
        let path = "/nonexistent-\(UUID().uuidString)/report.xml"
        let error = Self.error { _ = try JUnitWriter(path: path) }
        #expect(error?.code == .junit(.open))
        #expect(error?.systemError == ENOENT)
        #expect(error?.description.contains(path) == true)
    }

    @Test("calls out of order are misuse errors")
    func misuse() throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try JUnitWriter(path: directory.appendingPathComponent("r.xml").path)
        #expect(
            Self.error { try writer.testCase(name: "t", classname: "c", time: 0, failure: nil) }?.code
                == .junit(.misuse))
        #expect(Self.error { try writer.endSuite(systemOut: "", systemErr: "") }?.code == .junit(.misuse))
        try writer.beginSuite(Self.suite)
        #expect(Self.error { try writer.beginSuite(Self.suite) }?.code == .junit(.misuse))
        #expect(Self.error { try writer.finish() }?.code == .junit(.misuse))
        try writer.endSuite(systemOut: "", systemErr: "")
        try writer.finish()
        #expect(Self.error { try writer.finish() }?.code == .junit(.misuse))
    }

    @Test(
        "a malformed timestamp is rejected before anything is written",
        arguments: [
            "", "2024-01-01 00:00:00", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5", "2024-13-01T00:00:00",
            "2023-02-29T00:00:00", "2024-04-31T00:00:00", "0000-01-01T00:00:00", "2024-01-01T24:00:00",
            "2024-01-01T00:60:00", "2024-01-01T00:00:60", "２０２４-01-01T00:00:00",
        ])
    func invalidTimestamp(timestamp: String) throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try JUnitWriter(path: directory.appendingPathComponent("r.xml").path)
        var suite = Self.suite
        suite.timestamp = timestamp
        #expect(Self.error { try writer.beginSuite(suite) }?.code == .junit(.invalidSuite))
        suite.timestamp = "2024-02-29T23:59:59"
        try writer.beginSuite(suite)
    }
}
