#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock held for the life of a run: on a journal (`JOURNAL.lock` beside it) or on an
/// inbox (`DIR/state/lock`), so that two runs never write one journal or take one inbox's files.
///
/// The lock is `flock(2)` on the lock file, which holds the holder's PID for the message of the
/// run that finds it taken. The kernel drops the lock when the holder exits, however it ends
/// (kill -9 included), so a stale lock file never blocks the next run: only a live holder does.
/// The file is left in place (removing it would race with a run that just opened it).
package final class RunLock: Sendable {
    /// The lock file's path.
    package let path: String
    private let descriptor: Int32

    /// Takes the lock at `path` (creating the file), or fails at once when another process holds
    /// it (``TriageIOError/Code/lockHeld(pid:)``: `PATH is held by another triage run (PID N)`),
    /// or with the ``TriageIOError/Code/output`` error of opening or locking the file.
    package init(path: String) throws(TriageIOError) {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw TriageIOError(path: path, "cannot open the lock file", errno: errno)
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let holder = Self.readPID(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK {
                throw TriageIOError(
                    .lockHeld(pid: holder),
                    "\(path) is held by another triage run" + (holder.map { " (PID \($0))" } ?? ""))
            }
            throw TriageIOError(path: path, "cannot lock", errno: code)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        // Closing the last descriptor releases the flock.
        close(descriptor)
    }

    /// The PID the lock file names, if it names one.
    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let digits = buffer[0..<count].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return Int32(String(decoding: digits, as: UTF8.self))
    }
}
