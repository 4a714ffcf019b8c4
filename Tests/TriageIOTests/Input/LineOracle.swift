import Testing
import TriageIO

/// A line as a test sees it: its number and either its bytes or the length of an oversized line.
struct ReadLine: Equatable, CustomStringConvertible {
    var number: Int
    var bytes: [UInt8]
    var oversizedLength: Int?

    var description: String {
        if let oversizedLength { return "#\(number) oversized \(oversizedLength)" }
        let preview = bytes.prefix(40).map { $0 >= 0x20 && $0 < 0x7f ? String(UnicodeScalar($0)) : "\\x\($0)" }
        return "#\(number) [\(bytes.count)] \(preview.joined())"
    }
}

/// The obvious, slow definition of the line rules the reader must match.
enum LineOracle {
    /// Drops a leading BOM, splits on LF (a trailing LF starts no line), strips one trailing CR per line, and marks
    /// lines longer than `maxLineBytes` as oversized.
    static func lines(of input: [UInt8], maxLineBytes: Int = 1 << 20) -> [ReadLine] {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var pieces = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        if pieces.last?.isEmpty == true { pieces.removeLast() }
        return pieces.enumerated().map { index, piece in
            var line = Array(piece)
            if line.last == 0x0d { line.removeLast() }
            if line.count > maxLineBytes { return ReadLine(number: index + 1, bytes: [], oversizedLength: line.count) }
            return ReadLine(number: index + 1, bytes: line)
        }
    }
}

/// Everything a reader delivered: its lines, the error it ended with, and `lastCompleteLine` after it.
struct ReadResult {
    var lines: [ReadLine] = []
    var error: TriageIOError?
    var lastCompleteLine = 0
    var largestBlockCapacity = 0
}

/// Drains `reader`, checking the block invariants on the way (numbers consecutive, spans inside their block).
func readAll(_ reader: LineReader) -> ReadResult {
    var result = ReadResult()
    do {
        while let block = try reader.nextBlock() {
            #expect(!block.lines.isEmpty)
            result.largestBlockCapacity = max(result.largestBlockCapacity, block.bytes.capacity)
            for span in block.lines {
                #expect(span.number == result.lines.count + 1)
                #expect(0 <= span.start && span.start <= span.end && span.end <= block.bytes.count)
                if span.oversizedLength != nil { #expect(span.start == span.end) }
                let bytes = block.withBytes(of: span) { Array($0) }
                result.lines.append(ReadLine(number: span.number, bytes: bytes, oversizedLength: span.oversizedLength))
            }
            #expect(reader.lastCompleteLine == result.lines.count)
        }
    } catch {
        result.error = error
        #expect(throws: TriageIOError.self) { try reader.nextBlock() }
    }
    result.lastCompleteLine = reader.lastCompleteLine
    return result
}

extension Array where Element == UInt8 {
    /// The UTF-8 bytes of `text`.
    init(utf8 text: String) { self = Array(text.utf8) }
}

/// Expects `actual == expected`, reporting only the counts and the first differing line (inputs are large).
func expectLines(_ actual: [ReadLine], _ expected: [ReadLine], sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual != expected else { return }
    let index =
        zip(actual, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(actual.count, expected.count)
    let got = index < actual.count ? actual[index].description : "nothing"
    let wanted = index < expected.count ? expected[index].description : "nothing"
    let counts = "\(actual.count) lines, expected \(expected.count)"
    Issue.record(
        "\(counts); first difference at index \(index): \(got), expected \(wanted)", sourceLocation: sourceLocation)
}
