import Foundation
import Testing
import TriageCore
import TriageStore

/// Whole-store failures: one `StoreError` with a code and a one-line message.
@Suite struct StoreErrorTests {
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "triage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aMissingDirectoryCannotBeOpened() throws {
        let path = "/nonexistent-\(UUID().uuidString)/findings.sqlite"
        let error = #expect(throws: StoreError.self) { try FindingsStore(path: path) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func aFileThatIsNotSQLiteIsCorrupt() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("findings.sqlite")
        try Foundation.Data(repeating: 0x5A, count: 8192).write(to: path)
        let error = #expect(throws: StoreError.self) { try FindingsStore(path: path.path) }
        #expect(error?.code == .corrupt)
    }

    @Test func anotherApplicationsDatabaseIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("findings.sqlite")
        do { _ = try FindingsStore(path: path.path) }
        // Rewrite the header's application_id (offset 68, big-endian) as another application would.
        let handle = try FileHandle(forUpdating: path)
        try handle.seek(toOffset: 68)
        try handle.write(contentsOf: [0x01, 0x02, 0x03, 0x04])
        try handle.close()
        let error = #expect(throws: StoreError.self) { try FindingsStore(path: path.path) }
        #expect(error?.code == .notAStore)
    }

    @Test func aReadOnlyOpenOfAMissingFileFails() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = StoreOptions()
        options.readOnly = true
        let error = #expect(throws: StoreError.self) {
            try FindingsStore(path: directory.appendingPathComponent("none.sqlite").path, options: options)
        }
        #expect(error?.code == .cannotOpen)
    }

    @Test func reopeningKeepsTheFindings() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("findings.sqlite").path
        do {
            let store = try FindingsStore(path: path)
            _ = try store.import(findings: [StoreTestData.document()])
        }
        #expect(try FindingsStore(path: path).count() == 1)
    }

    @Test func anExportStoppedByItsConsumerRethrowsTheConsumersError() throws {
        struct Stop: Error {}
        try StoreTestData.withStore { store, _ in
            _ = try store.import(findings: [StoreTestData.document(id: "a"), StoreTestData.document(id: "b")])
            var seen = 0
            #expect(throws: Stop.self) {
                try store.exportAll { _ in
                    seen += 1
                    throw Stop()
                }
            }
            #expect(seen == 1)
        }
    }
}
