import CZlib

/// Compresses bytes into gzip format (one member) and hands the compressed bytes to a
/// ``FileOutput``.
package final class GzipWriter {
    private let output: FileOutput
    private var stream = z_stream()
    private var outBuffer = [UInt8](repeating: 0, count: 256 << 10)
    private var finished = false

    /// Starts a gzip member written to `output`, at zlib level `level` (1 fastest ... 9 smallest).
    package init(output: FileOutput, level: Int32 = 6) throws(TriageIOError) {
        self.output = output
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            throw TriageIOError(path: output.path, reason: "cannot start gzip (zlib \(status))")
        }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `bytes`.
    package func write(_ bytes: [UInt8]) throws(TriageIOError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(TriageIOError) in
            try deflate(UnsafeRawBufferPointer(buffer), flush: Z_NO_FLUSH)
        }
    }

    /// Compresses a string's UTF-8 bytes.
    package func write(_ text: String) throws(TriageIOError) {
        try write(Array(text.utf8))
    }

    /// Ends the gzip member (the caller then commits the output).
    package func finish() throws(TriageIOError) {
        guard !finished else { return }
        finished = true
        try deflate(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    /// Ends the gzip member and starts the next one: the bytes written so far form complete
    /// members on their own (a multi-member stream, RFC 1952 §2.2, which `gzip -d` reads as one).
    package func endMember() throws(TriageIOError) {
        try finish()
        deflateReset(&stream)
        finished = false
    }

    private func deflate(_ input: UnsafeRawBufferPointer, flush: Int32) throws(TriageIOError) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            let (status, produced) = outBuffer.withUnsafeMutableBytes { buffer -> (Int32, Int) in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(buffer.count)
                let status = CZlib.deflate(&stream, flush)
                return (status, buffer.count - Int(stream.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw TriageIOError(path: output.path, reason: "gzip compression failed (zlib \(status))")
            }
            if produced > 0 { try output.write(Array(outBuffer[0..<produced])) }
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.avail_in == 0 && produced < outBuffer.count {
                return
            }
        }
    }
}
