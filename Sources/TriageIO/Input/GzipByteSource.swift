import CZlib

/// Decompresses a gzip stream (RFC 1952) read from another source, with zlib.
///
/// - Concatenated members (`cat a.gz b.gz`) read as one stream, as `gzip -d` does.
/// - Zero bytes after a member (tar-style padding) are skipped; any other data after a member must be
///   another member, else `.corruptGzip` ("incorrect header check").
/// - A stream that ends inside a member (or holds no member at all) gives `.truncatedGzip`, thrown only
///   after every byte zlib could decode was returned.
/// - Data zlib rejects (bad header, block, CRC or length) gives `.corruptGzip` with zlib's message, also
///   after the bytes decoded before it.
/// Memory: zlib's ~44 KiB inflate state plus a 128 KiB input buffer.
package final class GzipByteSource: ByteSource {
    private enum Phase {
        /// Inside a member.
        case inflating
        /// A member ended; padding or another member may follow.
        case betweenMembers
        /// The last member ended and the source is exhausted.
        case finished
        /// Sticky: thrown by every later read.
        case failed(TriageIOError)
    }

    private static let inputCapacity = 128 << 10

    private let upstream: ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var phase: Phase = .inflating
    private var upstreamEnded = false
    private var streamReady = false

    /// Decompresses the bytes of `source`; zlib's set-up failure (out of memory) surfaces on the first read.
    package init(wrapping source: ByteSource) {
        upstream = source
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: Self.inputCapacity, alignment: 16)
        let code = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if code == Z_OK {
            streamReady = true
        } else {
            phase = .failed(TriageIOError(.readFailed, "cannot start zlib (code \(code))"))
        }
    }

    deinit {
        if streamReady { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates up to `buffer.count` bytes; errors as described on the type.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        switch phase {
        case .failed(let error): throw error
        case .finished: return 0
        case .inflating, .betweenMembers: break
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let capacity = UInt32(clamping: buffer.count)
        stream.pointee.next_out = base.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = capacity
        inflateLoop()
        let produced = Int(capacity - stream.pointee.avail_out)
        stream.pointee.next_out = nil
        if produced > 0 { return produced }
        if case .failed(let error) = phase { throw error }
        return 0
    }

    /// Inflates into `next_out` until it is full, the stream ends, or an error is recorded in `phase`.
    private func inflateLoop() {
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0 && !upstreamEnded {
                do throws(TriageIOError) {
                    try refill()
                } catch {
                    phase = .failed(error)
                    return
                }
            }
            if case .betweenMembers = phase {
                skipPadding()
                if stream.pointee.avail_in == 0 {
                    if upstreamEnded {
                        phase = .finished
                        return
                    }
                    continue
                }
                inflateReset(stream)
                phase = .inflating
            }
            let code = inflate(stream, Z_NO_FLUSH)
            switch code {
            case Z_OK:
                continue
            case Z_STREAM_END:
                phase = .betweenMembers
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && !upstreamEnded:
                continue  // needs more input: refilled at the top
            case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                phase = .failed(TriageIOError(.truncatedGzip, "gzip stream is truncated"))
                return
            case Z_DATA_ERROR, Z_NEED_DICT:
                phase = .failed(TriageIOError(.corruptGzip, "gzip stream is corrupt: \(zlibMessage(code))"))
                return
            default:
                phase = .failed(TriageIOError(.readFailed, "zlib failed: \(zlibMessage(code))"))
                return
            }
        }
    }

    /// Reads the next chunk of compressed bytes; marks the end of the source when it returns 0.
    private func refill() throws(TriageIOError) {
        let count = try upstream.read(into: input)
        if count == 0 { upstreamEnded = true }
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(count)
    }

    /// Drops zero bytes at the front of the pending input.
    private func skipPadding() {
        guard var next = stream.pointee.next_in else { return }
        while stream.pointee.avail_in > 0 && next.pointee == 0 {
            next += 1
            stream.pointee.avail_in -= 1
        }
        stream.pointee.next_in = next
    }

    /// zlib's own text for the last error, or the code's meaning when it left none.
    private func zlibMessage(_ code: Int32) -> String {
        if let message = stream.pointee.msg { return String(cString: message) }
        switch code {
        case Z_NEED_DICT: return "preset dictionary required"
        case Z_MEM_ERROR: return "out of memory"
        default: return "error code \(code)"
        }
    }
}
