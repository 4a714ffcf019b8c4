/// A byte source whose first bytes can be looked at before they are read.
package final class PeekableSource: ByteSource {
    private let base: ByteSource
    private var head: [UInt8] = []
    private var headOffset = 0

    /// Wraps `base`.
    package init(_ base: ByteSource) {
        self.base = base
    }

    /// Up to `count` first bytes (fewer only at the end of the input); they are read again later.
    package func peek(_ count: Int) throws(TriageIOError) -> [UInt8] {
        while head.count < count {
            var chunk = [UInt8](repeating: 0, count: count - head.count)
            let read = try chunk.withUnsafeMutableBufferPointer { (buffer) throws(TriageIOError) -> Int in
                try base.read(into: UnsafeMutableRawBufferPointer(buffer))
            }
            if read == 0 { break }
            head.append(contentsOf: chunk[0..<read])
        }
        return Array(head.prefix(count))
    }

    /// Reads, first from the peeked bytes.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        if headOffset < head.count {
            let count = min(buffer.count, head.count - headOffset)
            head.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + headOffset, byteCount: count)
            }
            headOffset += count
            if headOffset == head.count {
                head = []
                headOffset = 0
            }
            return count
        }
        return try base.read(into: buffer)
    }
}
