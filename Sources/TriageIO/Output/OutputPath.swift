#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How an output path is written, decided from what it names once symlinks are followed.
///
/// The rule, the same for every report: a regular file, or nothing yet, is replaced atomically
/// where its symlink chain ends (a temporary file in the final target's directory, then `rename`),
/// so a symlink keeps pointing at fresh content and a dangling one creates the file it names.
/// Anything else (a character or block device, a FIFO, a socket, `/dev/stdout`, `/dev/fd/N` and
/// other `/proc` links) is opened as it is and written in place: it is never replaced.
/// ``check(_:kind:inPlace:)`` runs the same resolution before a job starts, so that a bad path is
/// reported before anything is applied.
package struct OutputPath: Sendable, Equatable {
    /// How the bytes reach the path.
    package enum Mode: Sendable, Equatable {
        /// A regular file or none: write a temporary file in `directory` (canonical, symlinks
        /// resolved) and rename it over `target`, an absolute path in `directory`.
        case replace(target: String, directory: String)
        /// Not a regular file: opened write-only as named, without creating or truncating it.
        case direct
        /// `-`: the process's standard output.
        case standardOutput
        /// `s3://BUCKET/KEY`: written to a local file in the run's temporary directory and
        /// uploaded when complete (``RemoteObjects``).
        case remote
    }

    /// The path as the user named it.
    package let path: String
    /// How it is written.
    package let mode: Mode

    /// Whether the path is written in place (a device, FIFO, socket or standard output) rather
    /// than replaced by a rename.
    package var isDirect: Bool {
        if case .replace = mode { return false }
        if case .remote = mode { return false }
        return true
    }

    /// Symlinks followed at most before giving up, as the kernel does (`ELOOP`).
    static let maxSymlinks = 40

    /// Resolves `path` (see the type's rule). Throws for a directory, a missing or unreachable
    /// parent directory, or a symlink loop; the error names `path` and the reason.
    package static func resolve(_ path: String) throws(TriageIOError) -> OutputPath {
        try resolve(path, option: nil)
    }

    /// Checks, before anything is applied, that `path` can be written as an output of `kind`
    /// (the option's name without dashes: `report`, `junit`, `journal`), and returns how it will
    /// be written.
    ///
    /// Rejects a directory (`out: is a directory; --report needs a file path`), a missing parent
    /// directory, a parent directory the process cannot create files in (`access(2)`, plus
    /// `statvfs` `ST_RDONLY` for root, whom modes do not stop), and an existing file that is not
    /// writable. Devices, FIFOs and sockets are accepted when writable, and never opened here (a
    /// FIFO would block). `inPlace: true` is for a file written where it is (the journal: appended
    /// to or truncated, never renamed), which needs a writable directory only when it does not
    /// exist yet. Permissions can still change before the file is written; this catches the
    /// common mistakes early.
    @discardableResult
    package static func check(_ path: String, kind: String, inPlace: Bool = false) throws(TriageIOError) -> OutputPath {
        let resolved = try resolve(path, option: "--\(kind)")
        switch resolved.mode {
        case .standardOutput:
            break
        case .remote:
            try RemoteObjects.store().checkWritable(path)
        case .direct:
            if access(path, W_OK) != 0 { throw TriageIOError(path: path, "is not writable", errno: errno) }
        case .replace(let target, let directory):
            var status = stat()
            let exists = stat(target, &status) == 0
            if exists, access(target, W_OK) != 0 { throw TriageIOError(path: path, "is not writable", errno: errno) }
            if !exists || !inPlace {
                if access(directory, W_OK | X_OK) != 0 {
                    throw TriageIOError(path: path, "cannot create files in \(directory)", errno: errno)
                }
            }
            var volume = statvfs()
            if statvfs(directory, &volume) == 0, volume.f_flag & UInt(ST_RDONLY) != 0 {
                throw TriageIOError(
                    path: path, reason: "\(directory) is on a read-only file system", systemError: EROFS)
            }
        }
        return resolved
    }

    private static func resolve(_ path: String, option: String?) throws(TriageIOError) -> OutputPath {
        if path == "-" { return OutputPath(path: path, mode: .standardOutput) }
        if RemoteObjects.isRemote(path) { return OutputPath(path: path, mode: .remote) }
        guard !path.isEmpty else { throw TriageIOError(path: path, reason: "an empty path names no file") }
        let directoryError = TriageIOError(
            path: path, reason: "is a directory" + (option.map { "; \($0) needs a file path" } ?? ""),
            systemError: EISDIR)
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFDIR: throw directoryError
            case S_IFREG: break
            default: return OutputPath(path: path, mode: .direct)
            }
        } else {
            let code = errno
            switch code {
            case ENOENT: break  // the file or its directory is missing: told apart below
            case ENOTDIR:
                throw TriageIOError(path: path, reason: "a part of the path is not a directory", systemError: code)
            default: throw TriageIOError(path: path, "cannot reach", errno: code)
            }
        }
        if path.hasSuffix("/") {
            throw TriageIOError(
                path: path, reason: "names a directory" + (option.map { "; \($0) needs a file path" } ?? ""),
                systemError: EISDIR)
        }
        // Follow the chain to the regular file (or the name a dangling link gives).
        var current = path
        for _ in 0...maxSymlinks {
            let directory = try realDirectory(of: current, for: path)
            // `/dev/stdout`, `/dev/fd/N`, `/proc/PID/fd/N`: a descriptor's link, never replaced.
            if directory == "/proc" || directory.hasPrefix("/proc/") { return OutputPath(path: path, mode: .direct) }
            let target = (directory == "/" ? "" : directory) + "/" + lastComponent(of: current)
            var link = stat()
            guard lstat(target, &link) == 0, link.st_mode & S_IFMT == S_IFLNK else {
                return OutputPath(path: path, mode: .replace(target: target, directory: directory))
            }
            let destination = try readLink(target, for: path)
            current = destination.hasPrefix("/") ? destination : directory + "/" + destination
        }
        throw TriageIOError(path: path, reason: "too many levels of symbolic links", systemError: ELOOP)
    }

    /// The canonical directory `path` names its file in.
    private static func realDirectory(of path: String, for named: String) throws(TriageIOError) -> String {
        let directory = parentDirectory(of: path)
        guard let resolved = realpath(directory, nil) else {
            let code = errno
            switch code {
            case ENOENT:
                throw TriageIOError(path: named, reason: "the directory \(directory) does not exist", systemError: code)
            case ENOTDIR: throw TriageIOError(path: named, reason: "\(directory) is not a directory", systemError: code)
            default: throw TriageIOError(path: named, "cannot reach the directory \(directory)", errno: code)
            }
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The directory part of `path` (`.` for a bare name, `/` for a name in the root).
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// The last component of `path` (no slash in it).
    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    private static func readLink(_ link: String, for named: String) throws(TriageIOError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count >= 0 else {
            throw TriageIOError(path: named, "cannot read the symbolic link \(link)", errno: errno)
        }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
