#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, append-only file writer on a POSIX file descriptor.
///
/// Output is buffered up to 1 MiB; ``sync()`` flushes and `fsync`s. With `atomic: true` the bytes go
/// to a temporary file beside `path` that ``commit()`` renames over `path`, so readers never see a
/// half-written report; without ``commit()`` the temporary file is removed on ``discard()``.
/// The path `-` means standard output (never atomic). Not thread-safe.
package final class FileOutput {
    /// The path the caller named.
    package let path: String
    private let writePath: String
    private let atomic: Bool
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    private var closed = false

    /// Opens `path` for writing (created with mode 0644, truncated unless `append`).
    package init(path: String, atomic: Bool = true, append: Bool = false) throws(OutputError) {
        self.path = path
        if path == "-" {
            self.atomic = false
            self.writePath = path
            self.fd = 1
        } else {
            self.atomic = atomic && !append
            self.writePath = self.atomic ? "\(path).tmp-\(getpid())" : path
            let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
            let fd = open(writePath, flags, 0o644)
            guard fd >= 0 else { throw OutputError(path: path, reason: "cannot create: \(Self.errnoText())") }
            self.fd = fd
        }
        buffer.reserveCapacity(capacity)
    }

    deinit {
        if !closed, fd > 2 { close(fd) }
    }

    /// Appends bytes.
    package func write(_ bytes: [UInt8]) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends a string's UTF-8 bytes.
    package func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends bytes through a closure that writes into the buffer directly.
    package func withBuffer(_ body: (inout [UInt8]) -> Void) throws(OutputError) {
        body(&buffer)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes the buffer out.
    package func flush() throws(OutputError) {
        var offset = 0
        let count = buffer.count
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            while offset < count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw OutputError(path: path, reason: "write failed: \(String(cString: strerror(failure)))") }
    }

    /// Flushes and makes the bytes durable (`fsync`).
    package func sync() throws(OutputError) {
        try flush()
        try syncWritten()
    }

    /// Makes the bytes already written out durable (`fsync`, no flush). Unlike the other methods
    /// it may run on another thread while writes continue: it only syncs the descriptor.
    package func syncWritten() throws(OutputError) {
        if fd > 2, fsync(fd) != 0 { throw OutputError(path: path, reason: "fsync failed: \(Self.errnoText())") }
    }

    /// Flushes, syncs and closes; an atomic file is renamed over its final path.
    package func commit() throws(OutputError) {
        guard !closed else { return }
        try sync()
        closed = true
        if fd > 2 { close(fd) }
        if atomic, rename(writePath, path) != 0 {
            let reason = Self.errnoText()
            unlink(writePath)
            throw OutputError(path: path, reason: "cannot rename into place: \(reason)")
        }
    }

    /// Closes without publishing: an atomic file's temporary is removed.
    package func discard() {
        guard !closed else { return }
        closed = true
        if fd > 2 { close(fd) }
        if atomic { unlink(writePath) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
