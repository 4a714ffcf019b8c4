import CZlib

/// Decompresses a multi-member gzip stream (RFC 1952 §2.2) one member at a time and hands on the
/// bytes of complete members only: what a `.gz` journal reader needs, since the journal writes
/// each entry as a member of its own and a crash can leave the last one cut short.
///
/// - A member is handed on once zlib has checked its end (CRC and length); its bytes are held
///   until then (a journal entry: kilobytes, at most ``maxMemberBytes``).
/// - The torn tail: a last member cut short, or zero bytes after the last member (what some file
///   systems leave after a crash), is left out, as a torn last line of a plain journal is; the
///   stream then ends. ``completeLength`` is where it starts in the compressed bytes, so that
///   the writer can cut it off (``JournalWriter``).
/// - Data zlib rejects (a bad header, block or CRC) is `.corruptGzip`, thrown after the members
///   before it were handed on, naming the byte where its member starts.
package final class GzipMemberSource: ByteSource {
    /// The largest member held, decompressed: a journal entry is far smaller.
    package static let maxMemberBytes = 256 << 20

    private static let inputCapacity = 128 << 10

    private let upstream: ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var streamReady = false
    private var upstreamEnded = false
    /// Compressed bytes taken from `upstream` so far.
    private var consumed: Int64 = 0
    /// The decompressed bytes of the last complete member, and how many of them were handed on.
    private var member: [UInt8] = []
    private var served = 0
    private var ended = false
    private var failure: TriageIOError?

    /// Compressed bytes from the start through the end of the last complete member decoded so
    /// far: the whole stream, once read to its end, unless it has a torn tail.
    package private(set) var completeLength: Int64 = 0
    /// Whether the stream, read to its end, had bytes after its last complete member.
    package private(set) var hasTornTail = false

    /// Decompresses the bytes of `source`.
    package init(wrapping source: ByteSource) {
        upstream = source
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: Self.inputCapacity, alignment: 16)
        let code = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if code == Z_OK {
            streamReady = true
        } else {
            failure = TriageIOError(.readFailed, "cannot start zlib (code \(code))")
        }
    }

    deinit {
        if streamReady { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Copies out the bytes of complete members, decoding the next one when these are handed on.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while served == member.count {
            if let failure { throw failure }
            if ended { return 0 }
            do throws(TriageIOError) {
                try decodeMember()
            } catch {
                failure = error
            }
        }
        let count = min(buffer.count, member.count - served)
        member.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[served..<served + count]))
        }
        served += count
        return count
    }

    /// Decodes the next member into `member`, or marks the end (with or without a torn tail).
    private func decodeMember() throws(TriageIOError) {
        member.removeAll(keepingCapacity: true)
        served = 0
        // Zero bytes before a member are padding only when a member follows them.
        while true {
            try fill()
            skipZeros()
            if stream.pointee.avail_in > 0 { break }
            if upstreamEnded {
                hasTornTail = consumed > completeLength
                ended = true
                return
            }
        }
        let start = offset
        inflateReset(stream)
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            try fill()
            let (code, produced) = chunk.withUnsafeMutableBytes { out -> (Int32, Int) in
                stream.pointee.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(out.count)
                let code = inflate(stream, Z_NO_FLUSH)
                return (code, out.count - Int(stream.pointee.avail_out))
            }
            stream.pointee.next_out = nil
            member.append(contentsOf: chunk[0..<produced])
            guard member.count <= Self.maxMemberBytes else {
                throw TriageIOError(.corruptGzip, "the gzip member at byte \(start) is larger than 256 MiB")
            }
            switch code {
            case Z_STREAM_END:
                completeLength = offset
                return
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.pointee.avail_in == 0 && !upstreamEnded:
                continue
            case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                // Cut short: the torn tail.
                member.removeAll()
                hasTornTail = true
                ended = true
                return
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(code)"
                member.removeAll()
                throw TriageIOError(.corruptGzip, "the gzip member at byte \(start) is corrupt: \(reason)")
            }
        }
    }

    /// The compressed offset of the next byte zlib will take.
    private var offset: Int64 { consumed - Int64(stream.pointee.avail_in) }

    /// Reads more compressed bytes when zlib has taken all it had (and the source has more).
    private func fill() throws(TriageIOError) {
        guard stream.pointee.avail_in == 0, !upstreamEnded else { return }
        let count = try upstream.read(into: input)
        if count == 0 { upstreamEnded = true }
        consumed += Int64(count)
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(count)
    }

    /// Drops zero bytes at the front of the pending input.
    private func skipZeros() {
        guard var next = stream.pointee.next_in else { return }
        while stream.pointee.avail_in > 0 && next.pointee == 0 {
            next += 1
            stream.pointee.avail_in -= 1
        }
        stream.pointee.next_in = next
    }
}
