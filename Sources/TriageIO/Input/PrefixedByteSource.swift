/// Replays bytes already taken from a source (a sniffed magic number), then reads the source itself.
final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private let rest: ByteSource

    /// Gives `prefix` first, then the bytes of `rest`.
    init(prefix: [UInt8], rest: ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        guard buffer.count > 0 else { return 0 }
        let remaining = prefix.count - prefixOffset
        if remaining > 0 {
            let count = min(remaining, buffer.count)
            prefix.withUnsafeBytes { bytes in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[prefixOffset..<prefixOffset + count]))
            }
            prefixOffset += count
            if prefixOffset == prefix.count { prefix = [] }
            return count
        }
        return try rest.read(into: buffer)
    }
}
