/// A piece of one input, cut by the I/O stage for the decoding stage: blocks of complete lines
/// (NDJSON), raw chunks (CSV, whose records may span lines), or the error that ended the input.
package enum InputPiece: Sendable {
    /// Complete lines.
    case lines(LineBlock)
    /// Raw bytes (already decompressed).
    case bytes([UInt8])
    /// The input broke; `lastLine` is the last complete physical line read before (NDJSON).
    case failed(TriageIOError, lastLine: Int)
}

/// The I/O stage for one input: reads, decompresses and cuts pieces. Runs on its own thread in
/// the pipeline, so that inflating and parsing use both cores.
package final class InputPieceReader {
    private let format: DecisionFormat
    private let lineReader: LineReader?
    private let source: ByteSource
    private var done = false

    /// Cuts `source` for `format`.
    package init(source: ByteSource, format: DecisionFormat, maxLineBytes: Int = 1 << 20) {
        self.format = format
        self.source = source
        self.lineReader = format == .ndjson ? LineReader(source: source, maxLineBytes: maxLineBytes) : nil
    }

    /// The next piece, or nil at the end (after a `.failed` piece, always nil).
    package func next() -> InputPiece? {
        guard !done else { return nil }
        if let lineReader {
            do {
                if let block = try lineReader.nextBlock() { return .lines(block) }
                done = true
                return nil
            } catch {
                done = true
                return .failed(error, lastLine: lineReader.lastCompleteLine)
            }
        }
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        do {
            let count = try chunk.withUnsafeMutableBufferPointer { (buffer) throws(TriageIOError) -> Int in
                try source.read(into: UnsafeMutableRawBufferPointer(buffer))
            }
            if count == 0 {
                done = true
                return nil
            }
            chunk.removeLast(chunk.count - count)
            return .bytes(chunk)
        } catch {
            done = true
            return .failed(error, lastLine: 0)
        }
    }
}
