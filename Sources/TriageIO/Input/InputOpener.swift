/// Opens an input by path or wraps a source, decompressing gzip when the content says so.
package enum InputOpener {
    /// An opened input.
    package struct Opened {
        /// Its bytes, decompressed when the content is gzip.
        package var source: ByteSource
        /// Whether opening the same path again gives the same bytes: a regular file (by `fstat` on
        /// the opened descriptor, not by its name), not standard input. Anything else (a pipe, a
        /// FIFO, `/dev/stdin`, `/dev/fd/N`, a character device) must be read from this `source`.
        package var canReopen: Bool
        /// The opened descriptor under `source` (for ``FileByteSource/stopWaiting``); nil for an
        /// `s3://` object.
        package var file: FileByteSource?
    }

    /// The gzip magic number (RFC 1952 ID1 ID2).
    private static let gzipMagic: [UInt8] = [0x1f, 0x8b]

    /// Opens a path ("-" = stdin; `s3://BUCKET/KEY` an S3 object, ``RemoteObjects``) and, when the first two bytes are the gzip magic 1f 8b, wraps it in a decompressor
    /// (whatever the file name).
    ///
    /// Open errors are `.unreadable` with the OS reason; stdin is not closed when the source is released.
    package static func open(path: String) throws(TriageIOError) -> ByteSource {
        try open(InputPath(path)).source
    }

    /// Opens an input by its path's bytes ("-" = stdin) like `open(path:)`, and tells whether it can
    /// be opened again. Opening a FIFO waits until it has a writer; reading the gzip magic waits for
    /// the first bytes of a pipe.
    package static func open(_ path: InputPath) throws(TriageIOError) -> Opened {
        if RemoteObjects.isRemote(path) {
            // An object can be opened again, at the version first read (``RemoteObjects``).
            let object = try RemoteObjects.openInput(path.displayName)
            return Opened(source: try open(source: object), canReopen: true, file: nil)
        }
        let file: FileByteSource
        if path.isStandardInput {
            file = FileByteSource(fileDescriptor: 0, closeOnDeinit: false)
        } else {
            file = try FileByteSource(path: path.bytes)
        }
        let canReopen = file.isRegularFile && !path.isStandardInput
        return Opened(source: try open(source: file), canReopen: canReopen, file: file)
    }

    /// Sniffs the first two bytes of `source` like `open(path:)`; reads at most 2 bytes before returning.
    package static func open(source: ByteSource) throws(TriageIOError) -> ByteSource {
        var head = [UInt8](repeating: 0, count: gzipMagic.count)
        var count = 0
        while count < head.count {
            let got = try head.withUnsafeMutableBufferPointer { (bytes) throws(TriageIOError) -> Int in
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
