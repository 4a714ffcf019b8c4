/// Opens an input by path or wraps a source, decompressing gzip when the content says so.
package enum InputOpener {
    /// The gzip magic number (RFC 1952 ID1 ID2).
    private static let gzipMagic: [UInt8] = [0x1f, 0x8b]

    /// Opens a path ("-" = stdin) and, when the first two bytes are the gzip magic 1f 8b, wraps it in a decompressor
    /// (whatever the file name).
    ///
    /// Open errors are `.unreadable` with the OS reason; stdin is not closed when the source is released.
    package static func open(path: String) throws(InputError) -> ByteSource {
        let file: ByteSource
        if path == "-" {
            file = FileByteSource(fileDescriptor: 0, closeOnDeinit: false)
        } else {
            file = try FileByteSource(path: path)
        }
        return try open(source: file)
    }

    /// Sniffs the first two bytes of `source` like `open(path:)`; reads at most 2 bytes before returning.
    package static func open(source: ByteSource) throws(InputError) -> ByteSource {
        var head = [UInt8](repeating: 0, count: gzipMagic.count)
        var count = 0
        while count < head.count {
            let got = try head.withUnsafeMutableBufferPointer { (bytes) throws(InputError) -> Int in
                try source.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(bytes)[count...]))
            }
            if got == 0 { break }
            count += got
        }
        head.removeLast(head.count - count)
        let replayed: ByteSource = head.isEmpty ? source : PrefixedByteSource(prefix: head, rest: source)
        return head == gzipMagic ? GzipByteSource(wrapping: replayed) : replayed
    }
}
