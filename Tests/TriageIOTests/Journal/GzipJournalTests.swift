import Foundation
import Testing
import TriageCore
import TriageIO

/// A journal whose path ends in `.gz`: each entry a gzip member of its own, read like a plain
/// journal; a torn last member is ignored by the reader and cut by the writer, as a torn last
/// line is.
@Suite("gzip journal")
struct GzipJournalTests {
    static let header = JournalHeader(
        inputs: ["a.ndjson", "b.csv"], fingerprints: ["10:1.5", ""], target: "store:s.sqlite", batchSize: 100,
        startedAt: "2026-12-07T02:00:00.000Z")

    /// The records of batch `batch`: 100 findings, every seventh failed.
    static func records(_ batch: Int) -> [RecordOutcome] {
        (0..<100).map { index in
            let sequence = batch * 100 + index
            return RecordOutcome(
                RecordReference(
                    sequence: sequence, source: SourceLocation(input: sequence % 2, line: sequence + 1),
                    id: "arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.2/finding/\(sequence)",
                    productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub"),
                index % 7 == 0 ? .failed(.findingNotFound, "Finding Not Found") : .processed)
        }
    }

    /// Writes a header and `batches` batch entries to `path`; returns the file's size after each
    /// entry (the header's first): the member boundaries of a gzip journal.
    @discardableResult
    static func writeJournal(_ path: String, batches: Int, end: Bool = false) throws -> [Int] {
        let writer = try JournalWriter(path: path, fresh: true)
        try writer.begin(header)
        var sizes = [try size(path)]
        for batch in 0..<batches {
            try writer.appendBatch(batch + 1, records: records(batch))
            sizes.append(try size(path))
        }
        if end {
            try writer.end(JournalEnd(finishedAt: "2026-12-07T02:01:00.000Z", interrupted: false))
            sizes.append(try size(path))
        }
        try writer.close()
        return sizes
    }

    static func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).intValue
    }

    /// Every byte of `path`, decompressed when it is gzip (by the input reader, not the journal's).
    static func contents(_ path: String) throws -> [UInt8] {
        let source = try InputOpener.open(path: path)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    static func truncate(_ path: String, to length: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(length))
        try handle.close()
    }

    @Test("a .gz journal holds the plain journal's bytes, one gzip member per entry, and reads the same")
    func readsLikePlain() throws {
        let directory = try InputScratchDirectory()
        let plain = directory.path("run.journal")
        let compressed = directory.path("run.journal.gz")
        try Self.writeJournal(plain, batches: 20, end: true)
        let sizes = try Self.writeJournal(compressed, batches: 20, end: true)
        let plainBytes = try directory.read("run.journal")
        #expect(try directory.read("run.journal.gz").prefix(2) == [0x1F, 0x8B])
        #expect(try Self.contents(compressed) == plainBytes)
        #expect(try Self.size(compressed) < plainBytes.count / 4)
        // One member per entry: each boundary recorded while writing is where a member ends.
        let members = GzipMemberSource(wrapping: try FileByteSource(path: compressed))
        var boundaries: [Int64] = []
        let byte = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        defer { byte.deallocate() }
        while try members.read(into: byte) > 0 {
            if boundaries.last != members.completeLength { boundaries.append(members.completeLength) }
        }
        #expect(boundaries == sizes.map(Int64.init))
        #expect(!members.hasTornTail)

        let runsPlain = try JournalReader.read(path: plain)
        let runsCompressed = try JournalReader.read(path: compressed)
        #expect(runsCompressed.count == 1)
        #expect(runsCompressed[0].header == runsPlain[0].header)
        #expect(runsCompressed[0].records == runsPlain[0].records)
        #expect(runsCompressed[0].batches == 20)
        #expect(runsCompressed[0].finished)
    }

    @Test(
        "a torn last member is ignored by the reader and cut by the writer, which appends after the last complete one",
        arguments: [1, 2, 10, -1]
    )
    func tornLastMember(cutInto: Int) throws {
        let directory = try InputScratchDirectory()
        let path = directory.path("run.journal.gz")
        let sizes = try Self.writeJournal(path, batches: 5)
        // Cut the fifth batch's member `cutInto` bytes after its start (-1: one byte before its end).
        let start = sizes[4]
        let cut = cutInto > 0 ? start + cutInto : sizes[5] + cutInto
        try Self.truncate(path, to: cut)

        let torn = try JournalReader.read(path: path)
        #expect(torn.count == 1)
        #expect(torn[0].batches == 4)
        #expect(torn[0].records == (0..<4).flatMap { Self.records($0) })
        #expect(!torn[0].ended)

        let writer = try JournalWriter(path: path)
        #expect(try Self.size(path) == start, "the torn member is cut off")
        try writer.appendBatch(5, records: Self.records(4))
        try writer.end(JournalEnd(finishedAt: "2026-12-07T02:01:00.000Z", interrupted: false))
        try writer.close()
        let resumed = try JournalReader.read(path: path)
        #expect(resumed.count == 1)
        #expect(resumed[0].batches == 5)
        #expect(resumed[0].records == (0..<5).flatMap { Self.records($0) })
        #expect(resumed[0].finished)
        // Still one valid gzip stream for gzip -d (every member complete).
        #expect(try Self.contents(path).count > 0)
    }

    @Test("a journal cut inside its header member reads as empty and is cut to nothing")
    func tornHeader() throws {
        let directory = try InputScratchDirectory()
        let path = directory.path("run.journal.gz")
        let sizes = try Self.writeJournal(path, batches: 1)
        try Self.truncate(path, to: sizes[0] / 2)
        #expect(try JournalReader.read(path: path).isEmpty)
        try JournalWriter.cutTornTail(path)
        #expect(try Self.size(path) == 0)
    }

    @Test("zero bytes after the last member (left by a crash) are a torn tail")
    func zeroTail() throws {
        let directory = try InputScratchDirectory()
        let path = directory.path("run.journal.gz")
        let sizes = try Self.writeJournal(path, batches: 3)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: 4096))
        try handle.close()
        #expect(try JournalReader.read(path: path)[0].batches == 3)
        try JournalWriter.cutTornTail(path)
        #expect(try Self.size(path) == sizes.last!)
    }

    @Test("a member zlib rejects before the last is an error naming where it starts, and nothing is cut")
    func corruptMember() throws {
        let directory = try InputScratchDirectory()
        let path = directory.path("run.journal.gz")
        let sizes = try Self.writeJournal(path, batches: 4)
        var bytes = try directory.read("run.journal.gz")
        // Inside the second batch's compressed data: its deflate blocks or its CRC stop matching.
        let middle = (sizes[2] + sizes[3]) / 2
        bytes[middle] ^= 0xFF
        bytes[middle + 1] ^= 0x55
        try directory.write("run.journal.gz", bytes)
        #expect {
            try JournalReader.read(path: path)
        } throws: { error in
            "\(error)".contains("run.journal.gz: the gzip member at byte \(sizes[2]) is corrupt")
        }
        #expect(throws: TriageIOError.self) { try JournalWriter.cutTornTail(path) }
        #expect(try Self.size(path) == sizes.last!)
    }

    @Test("a plain journal is still cut after its last line feed")
    func plainTornLine() throws {
        let directory = try InputScratchDirectory()
        let path = directory.path("run.journal")
        let sizes = try Self.writeJournal(path, batches: 2)
        try Self.truncate(path, to: sizes[2] - 5)
        try JournalWriter.cutTornTail(path)
        #expect(try Self.size(path) == sizes[1])
    }
}
