import Testing
import TriageIO

/// Line splitting against `LineOracle`, with every chunk pattern and several block sizes.
@Suite struct LineReaderTests {
    static let edgeLimit = 100

    /// Blank lines, CRLF, lone CRs, NULs, invalid UTF-8, lines at and around the limit, no final LF.
    static let edgeCorpus: [UInt8] = {
        var bytes = [UInt8](utf8: "\u{FEFF}first\n\nsecond\r\n\r\n\n")
        bytes += [UInt8](utf8: "cr\rinside\n\rleading\n")
        bytes += [0x61, 0x00, 0x62, 0x0a]  // NUL is data
        bytes += [0xFF, 0xFE, 0xC3, 0x28, 0x0a]  // invalid UTF-8 is data
        bytes += [UInt8](utf8: "\u{FEFF}a BOM here is data\n")
        bytes += [UInt8](repeating: 0x78, count: edgeLimit) + [0x0a]  // exactly the limit
        bytes += [UInt8](repeating: 0x79, count: edgeLimit + 1) + [0x0a]  // one over
        bytes += [UInt8](repeating: 0x7a, count: edgeLimit) + [0x0d, 0x0a]  // the limit plus CRLF: not over
        bytes += [UInt8](repeating: 0x77, count: edgeLimit + 1) + [0x0d, 0x0a]  // one over plus CRLF
        bytes += [UInt8](repeating: 0x76, count: 5 * edgeLimit) + [0x0d, 0x0d, 0x0a]  // far over, one CR kept
        bytes += [UInt8](utf8: "after\nlast line without LF\r")
        return bytes
    }()

    @Test("edge corpus matches the oracle", arguments: ChunkPattern.all, [16, 333, 256 << 10])
    func edgeCorpusMatchesOracle(pattern: ChunkPattern, blockBytes: Int) {
        let expected = LineOracle.lines(of: Self.edgeCorpus, maxLineBytes: Self.edgeLimit)
        let reader = LineReader(
            source: ChunkedByteSource(Self.edgeCorpus, pattern: pattern), maxLineBytes: Self.edgeLimit,
            blockBytes: blockBytes)
        let result = readAll(reader)
        #expect(result.error == nil)
        expectLines(result.lines, expected)
        #expect(result.lastCompleteLine == expected.count)
    }

    @Test("the oracle itself reads the edge corpus as intended")
    func oracleSanity() {
        let lines = LineOracle.lines(of: Self.edgeCorpus, maxLineBytes: Self.edgeLimit)
        #expect(lines.count == 17)
        #expect(lines[0].bytes == [UInt8](utf8: "first"))
        #expect(lines[1].bytes.isEmpty && lines[3].bytes.isEmpty && lines[4].bytes.isEmpty)
        #expect(lines[5].bytes == [UInt8](utf8: "cr\rinside"))
        #expect(lines[10].oversizedLength == nil && lines[10].bytes.count == Self.edgeLimit)
        #expect(lines[11].oversizedLength == Self.edgeLimit + 1)
        #expect(lines[12].oversizedLength == nil)
        #expect(lines[13].oversizedLength == Self.edgeLimit + 1)
        #expect(lines[14].oversizedLength == 5 * Self.edgeLimit + 1)
        #expect(lines[16].bytes == [UInt8](utf8: "last line without LF"))
    }

    @Test(
        "small inputs",
        arguments: [
            "", "\n", "\r", "\r\n", "a", "a\n", "\n\n\n", "\u{FEFF}", "\u{FEFF}\n", "\u{FEFF}x", "\u{FEFF}\u{FEFF}x\n",
        ])
    func smallInputs(text: String) {
        let bytes = [UInt8](utf8: text)
        for pattern in ChunkPattern.all {
            let result = readAll(LineReader(source: ChunkedByteSource(bytes, pattern: pattern), blockBytes: 16))
            #expect(result.error == nil)
            #expect(result.lines == LineOracle.lines(of: bytes), "\(pattern)")
        }
    }

    @Test("a partial BOM is data")
    func partialByteOrderMark() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0x0a, 0xEF]
        let result = readAll(LineReader(source: ChunkedByteSource(bytes, pattern: .fixed(1))))
        #expect(result.lines.map(\.bytes) == [[0xEF, 0xBB], [0xEF]])
    }

    @Test("random lines with CRs and NULs match the oracle", arguments: ChunkPattern.all, [16, 4096, 256 << 10])
    func randomCorpusMatchesOracle(pattern: ChunkPattern, blockBytes: Int) {
        var generator = SeededGenerator(seed: 7)
        var bytes: [UInt8] = []
        while bytes.count < 150_000 {
            let length = Int.random(in: 0...300, using: &generator)
            for _ in 0..<length {
                let roll = Int.random(in: 0..<100, using: &generator)
                bytes.append(roll == 0 ? 0x0d : roll == 1 ? 0x00 : UInt8.random(in: 0x20...0xff, using: &generator))
            }
            if Int.random(in: 0..<4, using: &generator) == 0 { bytes.append(0x0d) }
            bytes.append(0x0a)
        }
        let expected = LineOracle.lines(of: bytes, maxLineBytes: 250)
        #expect(expected.contains { $0.oversizedLength != nil })
        let reader = LineReader(
            source: ChunkedByteSource(bytes, pattern: pattern), maxLineBytes: 250, blockBytes: blockBytes)
        let result = readAll(reader)
        #expect(result.error == nil)
        expectLines(result.lines, expected)
    }

    @Test(
        "a 2 MiB line is oversized under the default limit and the next line reads normally",
        arguments: ChunkPattern.all)
    func twoMebibyteLine(pattern: ChunkPattern) {
        var bytes = [UInt8](utf8: "before\n")
        bytes += [UInt8](repeating: 0x61, count: 2 << 20) + [0x0d, 0x0a]
        bytes += [UInt8](utf8: "after\n") + [UInt8](repeating: 0x62, count: 1 << 20) + [0x0a]
        bytes += [UInt8](repeating: 0x63, count: (1 << 20) + 1)  // unterminated, one over
        let result = readAll(LineReader(source: ChunkedByteSource(bytes, pattern: pattern)))
        #expect(result.error == nil)
        #expect(result.lines.count == 5)
        expectLines(result.lines, LineOracle.lines(of: bytes))
        #expect(result.lines[1].oversizedLength == 2 << 20)
        #expect(result.lines[3].bytes.count == 1 << 20)
        #expect(result.lines[4].oversizedLength == (1 << 20) + 1)
        #expect(result.largestBlockCapacity <= (1 << 20) + 2 + (256 << 10))
    }

    @Test("a 64 MiB line is skipped without growing the buffer past the limit")
    func hugeLineKeepsMemoryFlat() {
        let source = RepeatingLineSource(lineBytes: 64 << 20)
        let result = readAll(LineReader(source: source, maxLineBytes: 4096, blockBytes: 64 << 10))
        #expect(result.error == nil)
        #expect(
            result.lines == [
                ReadLine(number: 1, bytes: [], oversizedLength: 64 << 20),
                ReadLine(number: 2, bytes: [UInt8](utf8: "next")),
            ])
        #expect(result.largestBlockCapacity <= (64 << 10) + 64)  // malloc may round up
        #expect(source.largestRead <= 64 << 10)
    }

    @Test("an error mid-input: complete lines first, no partial line, then the error", arguments: ChunkPattern.all)
    func errorAfterCompleteLines(pattern: ChunkPattern) {
        let bytes = [UInt8](utf8: "one\ntwo\r\n\nfour\npartial")
        let failure = TriageIOError(.readFailed, "read failed: Input/output error")
        let result = readAll(
            LineReader(source: ChunkedByteSource(bytes, pattern: pattern, failure: failure), blockBytes: 16))
        #expect(result.lines.map(\.bytes) == [[UInt8](utf8: "one"), [UInt8](utf8: "two"), [], [UInt8](utf8: "four")])
        #expect(result.error?.code == .readFailed)
        #expect(result.error?.message == "read failed: Input/output error")
        #expect(result.lastCompleteLine == 4)
    }

    @Test("an error inside an oversized line drops that line")
    func errorInsideOversizedLine() {
        let bytes = [UInt8](utf8: "ok\n") + [UInt8](repeating: 0x61, count: 500)
        let failure = TriageIOError(.truncatedGzip, "gzip stream is truncated")
        let reader = LineReader(
            source: ChunkedByteSource(bytes, pattern: .fixed(7), failure: failure), maxLineBytes: 10, blockBytes: 16)
        let result = readAll(reader)
        #expect(result.lines.map(\.bytes) == [[UInt8](utf8: "ok")])
        #expect(result.error?.code == .truncatedGzip)
        #expect(result.lastCompleteLine == 1)
    }
}

/// One line of `lineBytes` "a"s, then "next\n", generated on the fly (the test never holds the line).
final class RepeatingLineSource: ByteSource {
    private var remaining: Int
    private var trailer = [UInt8](utf8: "\nnext\n")[...]
    private(set) var largestRead = 0

    init(lineBytes: Int) { remaining = lineBytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        largestRead = max(largestRead, buffer.count)
        if remaining > 0 {
            let count = min(remaining, buffer.count)
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]).initializeMemory(as: UInt8.self, repeating: 0x61)
            remaining -= count
            return count
        }
        let count = min(trailer.count, buffer.count)
        for index in 0..<count { buffer[index] = trailer.removeFirst() }
        return count
    }
}
