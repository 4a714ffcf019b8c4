import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Special files for output tests: small tmpfs mounts (a full disk on demand), device nodes and
/// FIFOs made with the real system calls. Needs root (the test machines run as root).
package enum ScratchFileSystem {
    /// A file system call failed.
    package struct Failure: Error, CustomStringConvertible {
        /// What was tried, and `strerror`.
        package var description: String
    }

    /// Mounts a tmpfs of `kilobytes` KiB on a new directory under `parent` and returns it; call
    /// ``unmount(_:)`` in a `defer`.
    package static func mountTmpfs(kilobytes: Int, in parent: URL) throws -> URL {
        let point = parent.appendingPathComponent("tmpfs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        guard mount("tmpfs", point.path, "tmpfs", 0, "size=\(kilobytes)k,mode=0755") == 0 else {
            throw Failure(description: "mount tmpfs on \(point.path): \(String(cString: strerror(errno)))")
        }
        return point
    }

    /// Makes a tmpfs from ``mountTmpfs(kilobytes:in:)`` read-only (what it holds stays).
    package static func makeReadOnly(_ point: URL) throws {
        guard mount("tmpfs", point.path, "tmpfs", UInt(MS_REMOUNT | MS_RDONLY), nil) == 0 else {
            throw Failure(description: "remount \(point.path) read-only: \(String(cString: strerror(errno)))")
        }
    }

    /// Unmounts a tmpfs mounted by ``mountTmpfs(kilobytes:in:)`` (lazily, so that an open
    /// descriptor cannot keep it busy) and removes its directory.
    package static func unmount(_ point: URL) {
        _ = umount2(point.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: point)
    }

    /// Makes a character device node at `path` (`1, 3` is the null device, `1, 7` the full one).
    package static func makeCharacterDevice(_ path: String, major: UInt32, minor: UInt32) throws {
        // Linux's dev_t encoding (glibc's makedev) for small numbers.
        let device = dev_t((major & 0xfff) << 8) | dev_t(minor & 0xff) | (dev_t(minor & ~0xff) << 12)
        guard mknod(path, S_IFCHR | 0o666, device) == 0 else {
            throw Failure(description: "mknod \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Makes a FIFO at `path`.
    package static func makeFIFO(_ path: String) throws {
        guard mkfifo(path, 0o644) == 0 else {
            throw Failure(description: "mkfifo \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The file type bits (`S_IFMT`) of `path` itself (`lstat`), or nil when it does not exist.
    package static func fileType(_ path: String) -> mode_t? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }

    /// The names in `directory`, sorted (hidden ones included).
    package static func entries(_ directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    /// Reads everything a non-blocking descriptor holds now (a FIFO's buffered bytes).
    package static func drain(_ descriptor: Int32) -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { return data }
            data.append(contentsOf: chunk[0..<count])
        }
    }
}
