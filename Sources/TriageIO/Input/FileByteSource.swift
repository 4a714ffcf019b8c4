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

    /// Opens `path` read-only; a missing file, a directory or no permission throws `.unreadable` with the OS reason.
    package init(path: String) throws(InputError) {
        let descriptor = POSIXCalls.openForReading(path)
        guard descriptor >= 0 else {
            throw InputError(kind: .unreadable, message: "cannot open: \(POSIXCalls.errorText(errno))")
        }
        var status = stat()
        if fstat(descriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw InputError(kind: .unreadable, message: "cannot open: \(POSIXCalls.errorText(EISDIR))")
        }
        #if os(Linux)
            _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        self.fileDescriptor = descriptor
        self.closeOnDeinit = true
    }

    /// Reads an already open descriptor (stdin is 0); closes it on deinit only when `closeOnDeinit`.
    package init(fileDescriptor: Int32, closeOnDeinit: Bool) {
        self.fileDescriptor = fileDescriptor
        self.closeOnDeinit = closeOnDeinit
    }

    deinit {
        if closeOnDeinit { close(fileDescriptor) }
    }

    /// One `read(2)` of up to `buffer.count` bytes; an OS error throws `.readFailed` with the OS reason.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = POSIXCalls.read(fileDescriptor, base, buffer.count)
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            throw InputError(kind: .readFailed, message: "read failed: \(POSIXCalls.errorText(code))")
        }
    }
}
