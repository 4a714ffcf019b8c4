import Foundation
import Synchronization
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The record spool's life: it has no name once open (a killed run leaves nothing in `$TMPDIR`),
/// and several walks read it at once through its one descriptor.
@Suite("RecordSpool")
struct RecordSpoolTests {
    /// Descriptors of this process whose target names `fragment`.
    static func openDescriptors(naming fragment: String) -> [String] {
        let directory = "/proc/self/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)") }
            .filter { $0.contains(fragment) }
    }

    @Test("the spool is unlinked as soon as it is open, read by concurrent walks, and closed by remove")
    func unlinkedWhileOpen() throws {
        let directory = TestPaths.temporaryDirectory("spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "spool-\(UUID().uuidString).bin"
        let spool = try RecordSpool(path: directory.appendingPathComponent(name).path)
        #expect(ScratchFileSystem.entries(directory).isEmpty)

        let records = (0..<50_000).map { index in
            SpooledRecord(
                input: index % 3, line: index + 1, id: "finding-\(index)", productArn: index % 7 == 0 ? nil : "arn:p",
                outcome: index % 11 == 0 ? Outcome.failed(.invalidInput, "bad \(index)") : nil)
        }
        for record in records { try spool.append(record) }
        try spool.flush()
        #expect(ScratchFileSystem.entries(directory).isEmpty)

        let walks = Mutex<[[SpooledRecord]]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            var seen: [SpooledRecord] = []
            try? spool.forEach { seen.append($0) }
            walks.withLock { $0.append(seen) }
        }
        for walk in walks.withLock({ $0 }) { #expect(walk == records) }

        #expect(Self.openDescriptors(naming: name).count == 1)
        spool.remove()
        #expect(Self.openDescriptors(naming: name).isEmpty)
        #expect(ScratchFileSystem.entries(directory).isEmpty)
    }
}
