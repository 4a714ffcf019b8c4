import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, append-only file writer on a POSIX file descriptor.
///
/// Output is buffered up to 1 MiB; ``sync()`` flushes and `fsync`s. With `atomic: true` the path
/// is written by ``OutputPath``'s rule: a regular file (or none) gets a temporary file beside the
/// end of its symlink chain that ``commit()`` renames over it, so readers never see a
/// half-written report and symlinks keep pointing at it; a device, FIFO or socket is written in
/// place. On Linux the temporary file has no name until ``commit()`` (`O_TMPFILE`, then `linkat`
/// as `TARGET.tmp-PID-N` just before the rename), so even a process killed mid-write leaves none
/// behind; where the file system cannot do that it is created under that name from the start.
/// The temporary file is removed by ``discard()``, by a failed ``commit()`` and when the output is
/// dropped unpublished. The path `-` means standard output (never atomic). Every failed
/// write, `fsync`, `close` or `rename` is a ``TriageIOError`` naming the path (`-` as `standard
/// output`) and the reason, e.g. `write failed: Broken pipe`. Not thread-safe (but see
/// ``syncWritten()``).
package final class FileOutput {
    /// The path the caller named.
    package let path: String
    private let fd: Int32
    /// Whether ``commit()`` and ``discard()`` close `fd`.
    private let ownsDescriptor: Bool
    /// The temporary file and what it replaces at ``commit()``; nil when written in place.
    private var replacement: Replacement?
    /// For an `s3://` path: the local file in the run's temporary directory that ``commit()``
    /// uploads (then removes); the object is written only then.
    private var upload: String?
    /// Not a regular file: `fsync` errors that only say "not supported here" are no errors.
    private let syncMayBeUnsupported: Bool
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    private var closed = false

    /// Temporary files made by this process so far (names them uniquely when two outputs of one
    /// run replace the same path).
    private static let temporaries = Atomic<Int>(0)

    /// A temporary file that replaces `target` (in `directory`) at commit.
    private struct Replacement {
        /// The temporary file's name (in `directory`); given at commit to an anonymous file.
        var temporary: String
        var target: String
        var directory: String
        /// Whether `temporary` exists yet: false while the file is anonymous (`O_TMPFILE`).
        var named: Bool
    }

    /// Opens `path` for writing: by ``OutputPath``'s rule when `atomic`, else in place (created
    /// with mode 0644, truncated unless `append`).
    package init(path: String, atomic: Bool = true, append: Bool = false) throws(TriageIOError) {
        self.path = path
        var replacement: Replacement?
        var upload: String?
        if path == "-" {
            fd = 1
            ownsDescriptor = false
        } else if atomic && !append {
            switch try OutputPath.resolve(path).mode {
            case .standardOutput:
                fd = 1
                ownsDescriptor = false
            case .direct:
                fd = try Self.open(path, O_WRONLY | O_CLOEXEC, 0, named: path)
                ownsDescriptor = true
            case .replace(let target, let directory):
                (fd, replacement) = try Self.openReplacement(of: target, in: directory, named: path)
                ownsDescriptor = true
            case .remote:
                let staged = try RemoteObjects.stagingPath(kind: "upload")
                fd = try Self.open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600, named: path)
                ownsDescriptor = true
                upload = staged
            }
        } else {
            let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
            fd = try Self.open(path, flags, 0o644, named: path)
            ownsDescriptor = true
        }
        self.replacement = replacement
        self.upload = upload
        syncMayBeUnsupported = !Self.isRegularFile(fd)
        buffer.reserveCapacity(capacity)
    }

    /// Writes to `descriptor`, already open for writing, which stays open: ``commit()`` flushes
    /// and syncs, ``discard()`` drops what is buffered, and the caller closes it. Errors name `path`.
    package init(descriptor: Int32, path: String) {
        self.path = path
        fd = descriptor
        ownsDescriptor = false
        replacement = nil
        syncMayBeUnsupported = !Self.isRegularFile(descriptor)
        buffer.reserveCapacity(capacity)
    }

    deinit {
        // Dropped unpublished (an error path that threw past its caller): nothing is left behind.
        if !closed { release() }
    }

    /// Appends bytes.
    package func write(_ bytes: [UInt8]) throws(TriageIOError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends the bytes `bytes` points at.
    package func write(_ bytes: UnsafeRawBufferPointer) throws(TriageIOError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends a string's UTF-8 bytes.
    package func write(_ text: String) throws(TriageIOError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    /// Appends bytes through a closure that writes into the buffer directly.
    package func withBuffer(_ body: (inout [UInt8]) -> Void) throws(TriageIOError) {
        body(&buffer)
        if buffer.count >= capacity { try flush() }
    }

    /// Writes the buffer out (what a failed write could not take is dropped). After ``commit()``
    /// or ``discard()`` the descriptor is gone: bytes written then are dropped with an error.
    package func flush() throws(TriageIOError) {
        guard !closed else {
            buffer.removeAll()
            throw TriageIOError(path: path, reason: "written after it was closed", systemError: EBADF)
        }
        var offset = 0
        let count = buffer.count
        let descriptor = fd
        let failure: Int32? = buffer.withUnsafeBytes { bytes in
            while offset < count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw TriageIOError(path: path, "write failed", errno: failure) }
    }

    /// Flushes and makes the bytes durable (`fsync`).
    package func sync() throws(TriageIOError) {
        try flush()
        try syncWritten()
    }

    /// Makes the bytes already written out durable (`fsync`, no flush). Unlike the other methods
    /// it may run on another thread while writes continue: it only syncs the descriptor. On a
    /// device, FIFO or socket, `EINVAL`, `ENOTSUP` and `EROFS` (no syncing there) are no errors.
    package func syncWritten() throws(TriageIOError) {
        guard fsync(fd) != 0 else { return }
        let code = errno
        if syncMayBeUnsupported, [EINVAL, ENOTSUP, EOPNOTSUPP, EROFS].contains(code) { return }
        throw TriageIOError(path: path, "fsync failed", errno: code)
    }

    /// Flushes, syncs and closes; a replaced file's temporary is renamed over its target, an
    /// `s3://` output's local file uploaded (a failed upload is this call's error). On
    /// failure the temporary is removed (the old file, if any, stays as it was) and the error thrown.
    package func commit() throws(TriageIOError) {
        guard !closed else { return }
        do throws(TriageIOError) {
            try sync()
        } catch {
            discard()
            throw error
        }
        if var replacement, !replacement.named {
            // Give the anonymous file its temporary name, the instant before the rename.
            var attempt = 0
            while true {
                replacement.temporary = Self.temporaryName(for: replacement.target)
                if linkat(AT_FDCWD, "/proc/self/fd/\(fd)", AT_FDCWD, replacement.temporary, AT_SYMLINK_FOLLOW) == 0 {
                    break
                }
                let code = errno
                if code == EEXIST && attempt < 100 {
                    attempt += 1
                    continue
                }
                discard()
                throw TriageIOError(path: path, "cannot link into place", errno: code)
            }
            replacement.named = true
            self.replacement = replacement
        }
        closed = true
        if ownsDescriptor, close(fd) != 0 {
            let code = errno
            if let replacement { unlink(replacement.temporary) }
            if let upload { unlink(upload) }
            throw TriageIOError(path: path, "close failed", errno: code)
        }
        if let upload {
            defer { unlink(upload) }
            try RemoteObjects.store().upload(file: upload, to: path)
            return
        }
        guard let replacement else { return }
        if rename(replacement.temporary, replacement.target) != 0 {
            let code = errno
            unlink(replacement.temporary)
            throw TriageIOError(path: path, "cannot rename into place", errno: code)
        }
        // Make the rename itself durable; a directory that cannot be synced is no error.
        let directory = Self.openDirectory(replacement.directory)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Closes without publishing: a replaced file's temporary is removed, buffered bytes dropped.
    package func discard() {
        guard !closed else { return }
        closed = true
        buffer.removeAll()
        release()
    }

    /// Closes an owned descriptor and removes the temporary file, if it has a name.
    private func release() {
        if ownsDescriptor { close(fd) }
        if let replacement, replacement.named { unlink(replacement.temporary) }
        if let upload { unlink(upload) }
    }

    /// A temporary file that will replace `target`: anonymous where possible, else named with
    /// `O_EXCL` (a leftover of an earlier process with this PID makes it take the next name). A
    /// replaced file's permissions are kept (a private report stays private).
    private static func openReplacement(of target: String, in directory: String, named path: String)
        throws(TriageIOError) -> (Int32, Replacement)
    {
        var existing = stat()
        let keepsMode = stat(target, &existing) == 0
        var opened: (Int32, Replacement)
        if let anonymous = openAnonymous(in: directory) {
            opened = (anonymous, Replacement(temporary: "", target: target, directory: directory, named: false))
        } else {
            var attempt = 0
            while true {
                let temporary = temporaryName(for: target)
                do throws(TriageIOError) {
                    let descriptor = try open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644, named: path)
                    opened = (
                        descriptor, Replacement(temporary: temporary, target: target, directory: directory, named: true)
                    )
                    break
                } catch  where error.systemError == EEXIST && attempt < 100 {
                    attempt += 1
                }
            }
        }
        if keepsMode { _ = fchmod(opened.0, existing.st_mode & 0o7777) }
        return opened
    }

    /// `TARGET.tmp-PID-N`, N counting the temporary names this process took.
    private static func temporaryName(for target: String) -> String {
        "\(target).tmp-\(getpid())-\(temporaries.wrappingAdd(1, ordering: .relaxed).oldValue)"
    }

    /// An unnamed file in `directory` (Linux `O_TMPFILE`), or nil where that is not available
    /// (another system, a file system without it, no `/proc` to link it through at commit).
    private static func openAnonymous(in directory: String) -> Int32? {
        #if os(Linux)
        // `O_TMPFILE` is `__O_TMPFILE | O_DIRECTORY`, a C macro Swift does not import; the
        // value is the kernel's generic one (x86_64, arm64).
        let temporaryFile: Int32 = 0o20_000_000 | O_DIRECTORY
        guard access("/proc/self/fd", X_OK) == 0 else { return nil }
        let descriptor = Glibc.open(directory, O_WRONLY | temporaryFile | O_CLOEXEC, 0o644)
        return descriptor >= 0 ? descriptor : nil
        #else
        return nil
        #endif
    }

    private static func open(_ file: String, _ flags: Int32, _ mode: mode_t, named path: String) throws(TriageIOError)
        -> Int32
    {
        while true {
            let descriptor = Glibc.open(file, flags, mode)
            if descriptor >= 0 { return descriptor }
            let code = errno
            if code == EINTR { continue }
            throw TriageIOError(path: path, flags & O_CREAT != 0 ? "cannot create" : "cannot open", errno: code)
        }
    }

    private static func openDirectory(_ path: String) -> Int32 {
        Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    private static func isRegularFile(_ descriptor: Int32) -> Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }
}
