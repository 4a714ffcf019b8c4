#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The file descriptor under a ``JUnitWriter``: libxml2's output buffer hands it chunks of about
/// 4 KB through a C callback.
///
/// The first failed `write(2)` is remembered (its `errno`) and later bytes are dropped; the
/// callback then still reports success, so libxml2 prints nothing to stderr and the writer turns
/// the remembered error into a ``JUnitWriterError`` after the call.
final class JUnitOutputFile {
    private var descriptor: Int32
    /// `errno` of the first failed write, if any.
    private(set) var writeError: Int32?

    /// Creates or truncates `path` (mode 0644).
    init(path: String) throws(JUnitWriterError) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw JUnitWriterError(.open, path: path, "cannot create the file", systemError: errno)
        }
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// Writes all of `bytes`, retrying on `EINTR` and short writes; a no-op after a failure.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard writeError == nil, descriptor >= 0, var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(descriptor, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                writeError = errno
                return
            }
            base += written
            remaining -= written
        }
    }

    /// Closes the descriptor; returns `errno` if `close(2)` failed.
    func closeDescriptor() -> Int32? {
        guard descriptor >= 0 else { return nil }
        let result = close(descriptor)
        descriptor = -1
        return result == 0 ? nil : errno
    }
}
