import Foundation
import Testing
import TriageIO

/// Real gzip files (made by the system `gzip`) through `InputOpener` and `LineReader`.
@Suite struct GzipInputTests {
    let scratch: InputScratchDirectory

    init() throws { scratch = try InputScratchDirectory() }

    /// Reads the file at `path` through `InputOpener.open(path:)`.
    func readFile(_ path: String) throws -> ReadResult {
        readAll(LineReader(source: try InputOpener.open(path: path), blockBytes: 4096))
    }

    /// Reads `bytes` through `InputOpener.open(source:)` with chunks cut by `pattern`.
    func readBytes(_ bytes: [UInt8], pattern: ChunkPattern) throws -> ReadResult {
        let source = try InputOpener.open(source: ChunkedByteSource(bytes, pattern: pattern))
        return readAll(LineReader(source: source, blockBytes: 4096))
    }

    @Test("a single member reads as its lines", arguments: ChunkPattern.all)
    func singleMember(pattern: ChunkPattern) throws {
        let plain = sampleRecords(count: 2000) + [UInt8](utf8: "\u{FEFF}tail without LF\r")
        let compressed = try scratch.gzip(plain)
        let result = try readBytes(compressed, pattern: pattern)
        #expect(result.error == nil)
        expectLines(result.lines, LineOracle.lines(of: plain))
    }

    @Test("a file is sniffed by content: .gz name with plain text, gzip without .gz name")
    func sniffedByContent() throws {
        let plain = sampleRecords(count: 50)
        let plainNamedGz = try scratch.write("plain.ndjson.gz", plain)
        let gzipNamedPlain = try scratch.write("records.ndjson", try scratch.gzip(plain))
        expectLines(try readFile(plainNamedGz).lines, LineOracle.lines(of: plain))
        expectLines(try readFile(gzipNamedPlain).lines, LineOracle.lines(of: plain))
        #expect(try InputOpener.open(path: gzipNamedPlain) is GzipByteSource)
        #expect(!(try InputOpener.open(path: plainNamedGz) is GzipByteSource))
    }

    @Test("concatenated members, including empty ones, read as one stream", arguments: ChunkPattern.all)
    func multipleMembers(pattern: ChunkPattern) throws {
        let first = sampleRecords(count: 300, seed: 1) + [UInt8](utf8: "joined ")  // no LF: joins the next member
        let second = sampleRecords(count: 300, seed: 2)
        let empty = try scratch.gzip([])
        let compressed = try empty + scratch.gzip(first) + empty + scratch.gzip(second, level: 1) + empty
        let result = try readBytes(compressed, pattern: pattern)
        #expect(result.error == nil)
        expectLines(result.lines, LineOracle.lines(of: first + second))
        #expect(result.lines[300].bytes.starts(with: [UInt8](utf8: "joined {")))
    }

    @Test("a file with only an empty member, and an empty file, have no lines")
    func emptyInputs() throws {
        let emptyMember = try scratch.write("empty.gz", try scratch.gzip([]))
        let emptyFile = try scratch.write("empty.ndjson", [])
        for path in [emptyMember, emptyFile] {
            let result = try readFile(path)
            #expect(result.error == nil)
            #expect(result.lines.isEmpty)
            #expect(result.lastCompleteLine == 0)
        }
    }

    @Test("zero padding after the last member is ignored; other trailing data is corrupt")
    func trailingData() throws {
        let plain = sampleRecords(count: 100)
        let compressed = try scratch.gzip(plain)
        let padded = try readBytes(compressed + [UInt8](repeating: 0, count: 1000), pattern: .fixed(7))
        #expect(padded.error == nil)
        expectLines(padded.lines, LineOracle.lines(of: plain))
        let garbage = try readBytes(compressed + [UInt8](utf8: "garbage\n"), pattern: .fixed(4096))
        #expect(garbage.error?.code == .corruptGzip)
        expectLines(garbage.lines, LineOracle.lines(of: plain))
        #expect(garbage.lastCompleteLine == 100)
    }

    @Test(
        "a truncated file gives its complete lines, then .truncatedGzip", arguments: [10, 20, 1000, 5000, -9, -8, -1])
    func truncated(cut: Int) throws {
        let plain = sampleRecords(count: 1000)
        let expected = LineOracle.lines(of: plain)
        let compressed = try scratch.gzip(plain)
        let length = cut > 0 ? min(cut, compressed.count / 2) : compressed.count + cut
        let path = try scratch.write("cut.gz", Array(compressed[..<length]))
        let result = try readFile(path)
        #expect(result.error?.code == .truncatedGzip)
        #expect(result.error?.message == "gzip stream is truncated")
        #expect(result.lastCompleteLine == result.lines.count)
        expectLines(result.lines, Array(expected.prefix(result.lines.count)))  // no partial line
        if cut > 0 && cut <= 20 { #expect(result.lines.isEmpty) }  // inside the header
        if cut == 1000 || cut == 5000 { #expect(result.lines.count > 0 && result.lines.count < expected.count) }
        if cut >= -8 && cut < 0 { #expect(result.lines.count == expected.count) }  // only the trailer is cut
    }

    @Test("flipped bytes in the middle give .corruptGzip, never a crash", arguments: [0.3, 0.5, 0.7])
    func corruptMiddle(position: Double) throws {
        let plain = sampleRecords(count: 3000)
        var compressed = try scratch.gzip(plain)
        let start = Int(Double(compressed.count) * position)
        for index in start..<start + 16 { compressed[index] ^= 0xA5 }
        let path = try scratch.write("corrupt.gz", compressed)
        let result = try readFile(path)
        #expect(result.error?.code == .corruptGzip)
        #expect(result.error?.message.hasPrefix("gzip stream is corrupt: ") == true)
        #expect(result.lastCompleteLine == result.lines.count)
    }

    @Test("a bad CRC is reported after every line was delivered")
    func badChecksum() throws {
        let plain = sampleRecords(count: 500)
        var compressed = try scratch.gzip(plain)
        compressed[compressed.count - 6] ^= 0xFF
        let result = try readBytes(compressed, pattern: .random(seed: 3, maximum: 300))
        expectLines(result.lines, LineOracle.lines(of: plain))
        #expect(result.error?.code == .corruptGzip)
        #expect(result.error?.message == "gzip stream is corrupt: incorrect data check")
    }

    @Test("gzip magic followed by garbage is corrupt; a lone 1f byte is plain text")
    func badHeader() throws {
        let header = try readBytes([0x1f, 0x8b] + [UInt8](utf8: "not really gzip\n"), pattern: .fixed(1))
        #expect(header.error?.code == .corruptGzip)
        #expect(header.lines.isEmpty)
        let lone = try readBytes([0x1f], pattern: .fixed(1))
        #expect(lone.error == nil)
        #expect(lone.lines.map(\.bytes) == [[0x1f]])
    }

    @Test("a missing file and a directory are .unreadable with the OS reason")
    func unreadablePaths() throws {
        #expect {
            _ = try InputOpener.open(path: scratch.path("missing.ndjson.gz"))
        } throws: { error in
            let error = error as? TriageIOError
            return error?.code == .unreadable && error?.message == "cannot open: No such file or directory"
        }
        #expect {
            _ = try InputOpener.open(path: scratch.url.path)
        } throws: { error in
            let error = error as? TriageIOError
            return error?.code == .unreadable && error?.message == "cannot open: Is a directory"
        }
    }
}
