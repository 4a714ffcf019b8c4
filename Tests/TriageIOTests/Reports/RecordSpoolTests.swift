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
    /// A record as appended and as walked back.
    struct Spooled: Equatable {
        var reference: RecordReference
        var outcome: Outcome?
    }

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
            Spooled(
                reference: RecordReference(
                    sequence: index, source: SourceLocation(input: index % 3, line: index + 1), id: "finding-\(index)",
                    productArn: index % 7 == 0 ? nil : "arn:p"),
                outcome: index % 11 == 0 ? Outcome.failed(.invalidInput, "bad \(index)") : nil)
        }
        for record in records { try spool.append(record.reference, outcome: record.outcome) }
        try spool.flush()
        #expect(ScratchFileSystem.entries(directory).isEmpty)

        let walks = Mutex<[[Spooled]]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            var seen: [Spooled] = []
            try? spool.forEach { seen.append(Spooled(reference: $0, outcome: $1)) }
            walks.withLock { $0.append(seen) }
        }
        for walk in walks.withLock({ $0 }) { #expect(walk == records) }

        #expect(Self.openDescriptors(naming: name).count == 1)
        spool.remove()
        #expect(Self.openDescriptors(naming: name).isEmpty)
        #expect(ScratchFileSystem.entries(directory).isEmpty)
    }

    @Test("a record's bytes are those the type documents; a walk gives each record its position as its sequence")
    func encoding() throws {
        let connectionError = UInt8(try #require(ErrorCode.allCases.firstIndex(of: .connectionError)))
        let source = SourceLocation(input: 1, line: 300)
        let cases: [(RecordReference, Outcome?, [UInt8])] = [
            // flags 1|2; input 1; line 300 (0xAC 0x02); "f"; "p"
            (
                RecordReference(sequence: 0, source: source, id: "f", productArn: "p"), nil,
                [3, 1, 0xAC, 2, 1, 0x66, 1, 0x70]
            ),
            // flags 4; processed
            (RecordReference(sequence: 1, source: SourceLocation(input: 0, line: 1)), .processed, [4, 0, 1, 0xFF]),
            // flags 1|4|8; unconfirmed with a listed code; "no"
            (
                RecordReference(sequence: 2, source: source, id: "f"), .unconfirmed(.connectionError, "no"),
                [13, 1, 0xAC, 2, 1, 0x66, connectionError, 2, 0x6E, 0x6F]
            ),
            // flags 2|4; a code not listed (0xFE and its name); an empty message
            (
                RecordReference(sequence: 3, source: source, productArn: "p"), .failed(ErrorCode(verbatim: "Odd"), ""),
                [6, 1, 0xAC, 2, 1, 0x70, 0xFE, 3, 0x4F, 0x64, 0x64, 0]
            ),
        ]
        let directory = TestPaths.temporaryDirectory("spool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try RecordSpool(path: directory.appendingPathComponent("encoding.bin").path)
        defer { spool.remove() }
        for (reference, outcome, bytes) in cases {
            var out: [UInt8] = []
            RecordSpool.encode(reference, outcome: outcome, to: &out)
            #expect(out == bytes, "\(reference)")
            try spool.append(reference, outcome: outcome)
        }
        try spool.flush()
        var walked: [Spooled] = []
        try spool.forEach { walked.append(Spooled(reference: $0, outcome: $1)) }
        #expect(walked == cases.map { Spooled(reference: $0.0, outcome: $0.1) })
    }
}
