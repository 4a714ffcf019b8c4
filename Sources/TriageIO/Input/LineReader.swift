#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a source into lines and hands them out in blocks of about `blockBytes`.
///
/// - Lines end at LF; a CR right before LF is dropped (also before the end of input); other CRs, NULs and
///   invalid UTF-8 are data. A final line without LF is a line, unless the input ended with an error.
/// - A UTF-8 BOM (EF BB BF) at the very start of the input is skipped.
/// - Blank lines are delivered as empty spans, so numbers stay physical.
/// - A line longer than `maxLineBytes` (without terminator) is delivered as an oversized span with its length;
///   its bytes are skipped without being kept, and reading goes on with the next line.
/// - Each byte is written once into the block that hands it out; only the partial line at the end of a block is
///   copied again (into the next block).
/// Memory: one buffer of `blockBytes`, grown up to `maxLineBytes + 2` while a long line is pending, plus the blocks
/// the caller still holds. Not thread-safe; one reader.
package final class LineReader {
    private static let lineFeed: UInt8 = 0x0a
    private static let carriageReturn: UInt8 = 0x0d

    private let source: ByteSource
    private let maxLineBytes: Int
    private let blockBytes: Int
    /// The block being filled: `buffer.count` is its capacity; only `[0, filled)` holds input.
    private var buffer: [UInt8]
    private var filled = 0
    /// Start of the first line not yet delivered.
    private var lineStart = 0
    /// `[lineStart, scanned)` holds no LF.
    private var scanned = 0
    private var lines: [LineSpan] = []
    private var nextNumber = 1
    private var byteOrderMarkChecked = false
    private var sourceEnded = false
    private var failure: TriageIOError?
    private var finished = false

    /// The number of the last line handed out; after an error, the last good line.
    package private(set) var lastCompleteLine = 0

    /// Reads `source` in blocks of about `blockBytes` (at least 16) with lines of at most `maxLineBytes` bytes.
    package init(source: ByteSource, maxLineBytes: Int = 1 << 20, blockBytes: Int = 256 << 10) {
        self.source = source
        self.maxLineBytes = max(0, maxLineBytes)
        self.blockBytes = max(16, blockBytes)
        self.buffer = Self.uninitializedBytes(count: self.blockBytes)
    }

    /// The next block, or nil at the end. An input error is thrown only after every complete line before it was
    /// returned; `lastCompleteLine` then tells the last good line number. Errors repeat on later calls.
    package func nextBlock() throws(TriageIOError) -> LineBlock? {
        while !finished {
            scanLines()
            if byteOrderMarkChecked && !sourceEnded && filled - lineStart >= maxLineBytes + 2 {
                skipOversizedLine()
            } else if sourceEnded {
                finishInput()
            } else if filled == buffer.count && !lines.isEmpty {
                return handOutBlock()
            } else {
                if filled == buffer.count { makeRoom() }
                readMore()
            }
        }
        if !lines.isEmpty { return handOutBlock() }
        if let failure { throw failure }
        return nil
    }

    /// Delivers every complete line in `[scanned, filled)`, after checking for the BOM once enough bytes are in.
    private func scanLines() {
        if !byteOrderMarkChecked {
            guard filled >= 3 || sourceEnded else { return }
            byteOrderMarkChecked = true
            if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
                lineStart = 3
                scanned = 3
            }
        }
        guard scanned < filled else { return }
        buffer.withUnsafeBufferPointer { storage in
            let base = UnsafeRawPointer(storage.baseAddress!)
            var start = lineStart
            var position = scanned
            while position < filled, let hit = memchr(base + position, Int32(Self.lineFeed), filled - position) {
                let feed = base.distance(to: UnsafeRawPointer(hit))
                let hasCarriageReturn = feed > start && storage[feed - 1] == Self.carriageReturn
                appendLine(start: start, end: hasCarriageReturn ? feed - 1 : feed)
                start = feed + 1
                position = start
            }
            lineStart = start
        }
        scanned = filled
    }

    /// Records line `nextNumber` as `[start, end)`, or as oversized when longer than the limit.
    private func appendLine(start: Int, end: Int) {
        let length = end - start
        if length > maxLineBytes {
            lines.append(LineSpan(start: start, end: start, number: nextNumber, oversizedLength: length))
        } else {
            lines.append(LineSpan(start: start, end: end, number: nextNumber))
        }
        nextNumber += 1
    }

    /// Reads into the free end of the buffer; records the end of the source or its error.
    @discardableResult
    private func readMore() -> Int {
        let start = filled
        let result = buffer.withUnsafeMutableBufferPointer { storage -> Result<Int, TriageIOError> in
            let free = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(storage)[start...])
            do throws(TriageIOError) {
                return .success(try source.read(into: free))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let count):
            if count == 0 { sourceEnded = true }
            filled += count
            return count
        case .failure(let error):
            failure = error
            sourceEnded = true
            return 0
        }
    }

    /// Skips the pending line (at least `maxLineBytes + 2` bytes, no LF yet) up to its LF, reusing the buffer space
    /// after `lineStart`, and records it as oversized. An error while skipping drops it (it is not complete).
    private func skipOversizedLine() {
        var length = filled - lineStart
        var endsWithCarriageReturn = buffer[filled - 1] == Self.carriageReturn
        filled = lineStart
        scanned = lineStart
        while true {
            let count = readMore()
            if count == 0 {
                if failure == nil {
                    let content = length - (endsWithCarriageReturn ? 1 : 0)
                    lines.append(
                        LineSpan(start: lineStart, end: lineStart, number: nextNumber, oversizedLength: content))
                    nextNumber += 1
                }
                return
            }
            let feed = buffer.withUnsafeBufferPointer { storage -> Int? in
                let base = UnsafeRawPointer(storage.baseAddress!)
                guard let hit = memchr(base + lineStart, Int32(Self.lineFeed), count) else { return nil }
                return base.distance(to: UnsafeRawPointer(hit))
            }
            guard let feed else {
                length += count
                endsWithCarriageReturn = buffer[filled - 1] == Self.carriageReturn
                filled = lineStart
                continue
            }
            length += feed - lineStart
            if feed > lineStart { endsWithCarriageReturn = buffer[feed - 1] == Self.carriageReturn }
            let content = length - (endsWithCarriageReturn ? 1 : 0)
            lines.append(LineSpan(start: lineStart, end: lineStart, number: nextNumber, oversizedLength: content))
            nextNumber += 1
            moveBytes(from: feed + 1, to: lineStart, count: filled - feed - 1)
            filled = lineStart + (filled - feed - 1)
            scanned = lineStart
            return
        }
    }

    /// At the end of the input: the unterminated final line is a line unless the input failed.
    private func finishInput() {
        if failure == nil && lineStart < filled {
            let hasCarriageReturn = buffer[filled - 1] == Self.carriageReturn
            appendLine(start: lineStart, end: hasCarriageReturn ? filled - 1 : filled)
        }
        lineStart = filled
        finished = true
    }

    /// Hands out the delivered lines with their bytes; the partial line moves to the front of a fresh buffer.
    private func handOutBlock() -> LineBlock {
        let tail = filled - lineStart
        var bytes = Self.uninitializedBytes(count: finished ? 0 : max(blockBytes, min(2 * tail, maxLineBytes + 2)))
        if tail > 0 {
            bytes.withUnsafeMutableBufferPointer { fresh in
                buffer.withUnsafeBufferPointer { old in
                    UnsafeMutableRawBufferPointer(fresh).copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(old)[lineStart..<filled]))
                }
            }
        }
        swap(&bytes, &buffer)
        bytes.removeLast(bytes.count - lineStart)
        let block = LineBlock(bytes: bytes, lines: lines)
        lastCompleteLine = lines[lines.count - 1].number
        lines = []
        lines.reserveCapacity(block.lines.count)
        filled = tail
        lineStart = 0
        scanned = tail
        return block
    }

    /// The buffer is full and holds no complete line: drop the skipped BOM, or grow towards `maxLineBytes + 2`.
    private func makeRoom() {
        if lineStart > 0 {
            moveBytes(from: lineStart, to: 0, count: filled - lineStart)
            filled -= lineStart
            scanned -= lineStart
            lineStart = 0
            return
        }
        var larger = Self.uninitializedBytes(count: max(buffer.count + 1, min(2 * buffer.count, maxLineBytes + 2)))
        let count = filled
        larger.withUnsafeMutableBufferPointer { fresh in
            buffer.withUnsafeBufferPointer { old in
                UnsafeMutableRawBufferPointer(fresh).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(old)[0..<count]))
            }
        }
        buffer = larger
    }

    /// `memmove` within the buffer.
    private func moveBytes(from source: Int, to destination: Int, count: Int) {
        guard count > 0 else { return }
        buffer.withUnsafeMutableBufferPointer { storage in
            let base = UnsafeMutableRawPointer(storage.baseAddress!)
            _ = memmove(base + destination, base + source, count)
        }
    }

    /// A byte array of `count` whose contents are unspecified (no zero fill); only written bytes are ever read.
    private static func uninitializedBytes(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
