#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes from a file descriptor with POSIX `read`, retried on `EINTR`.
///
/// Each call is one `read(2)`; the caller's buffer size is the read size (no buffering here).
package final class FileByteSource: ByteSource {
    private let fileDescriptor: Int32
    private let closeOnDeinit: Bool

    /// Whether the descriptor is a regular file (by `fstat`): such a file can be opened again and
    /// gives the same bytes; a pipe, FIFO, socket or terminal gives its bytes once.
    package let isRegularFile: Bool

    /// Asked every 200 ms while a read of anything but a regular file (a pipe, FIFO, terminal)
    /// waits for bytes; when it returns true the read gives up with `.readFailed`, so that a stop
    /// (SIGTERM) is not held up by a writer that stays silent. Nil: reads wait as long as it takes.
    package var stopWaiting: (() -> Bool)?

    /// Opens `path` read-only; a missing file, a directory or no permission throws `.unreadable` with the OS reason.
    package convenience init(path: String) throws(TriageIOError) {
        try self.init(path: Array(path.utf8))
    }

    /// Opens the path given by its bytes (not necessarily UTF-8) read-only; errors as for a String path.
    ///
    /// Opening a FIFO waits in `open(2)` until it has a writer.
    package init(path: [UInt8]) throws(TriageIOError) {
        let descriptor = POSIXCalls.openForReading(path)
        guard descriptor >= 0 else {
            throw TriageIOError(.unreadable, "cannot open: \(POSIXCalls.errorText(errno))")
        }
        var status = stat()
        let known = fstat(descriptor, &status) == 0
        if known && (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw TriageIOError(.unreadable, "cannot open: \(POSIXCalls.errorText(EISDIR))")
        }
        isRegularFile = known && (status.st_mode & S_IFMT) == S_IFREG
        #if os(Linux)
        if isRegularFile { _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL)) }
        #endif
        self.fileDescriptor = descriptor
        self.closeOnDeinit = true
    }

    /// Reads an already open descriptor (stdin is 0); closes it on deinit only when `closeOnDeinit`.
    package init(fileDescriptor: Int32, closeOnDeinit: Bool) {
        self.fileDescriptor = fileDescriptor
        self.closeOnDeinit = closeOnDeinit
        var status = stat()
        isRegularFile = fstat(fileDescriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    deinit {
        if closeOnDeinit { close(fileDescriptor) }
    }

    /// One `read(2)` of up to `buffer.count` bytes; an OS error throws `.readFailed` with the OS reason.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if let stopWaiting, !isRegularFile { try waitForBytes(unless: stopWaiting) }
        while true {
            let count = POSIXCalls.read(fileDescriptor, base, buffer.count)
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            throw TriageIOError(.readFailed, "read failed: \(POSIXCalls.errorText(code))")
        }
    }

    /// Returns once the descriptor is readable (or at its end, or in error: `read(2)` then says
    /// which); throws when `stop` returns true while nothing comes.
    private func waitForBytes(unless stop: () -> Bool) throws(TriageIOError) {
        var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&entry, 1, 200)
            if ready > 0 || (ready < 0 && errno != EINTR) { return }
            if stop() { throw TriageIOError(.readFailed, "reading stopped") }
        }
    }
}
