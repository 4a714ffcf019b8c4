import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a test waits on instead of sleeping: the state of a child process read from `/proc`, the
/// bytes waiting in a pipe, a condition polled until it holds. Each wait has a deadline that only
/// detects a hang (minutes), so a loaded machine slows a test down without failing it.
package enum ProcessProbe {
    /// Polls `condition` every `interval` seconds until it holds (true) or `seconds` pass (false).
    package static func waitUntil(
        seconds: Double = 120, interval: Double = 0.01, _ condition: () throws -> Bool
    ) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if try condition() { return true }
            if Date() >= deadline { return false }
            usleep(UInt32(interval * 1_000_000))
        }
    }

    /// The kernel functions the threads of `pid` sleep in (`/proc/PID/task/*/wchan`), "0" for a
    /// running one; empty once the process is gone.
    package static func waitChannels(_ pid: Int32) -> [String] {
        let tasks = "/proc/\(pid)/task"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
        return names.compactMap { try? String(contentsOfFile: "\(tasks)/\($0)/wchan", encoding: .utf8) }
    }

    /// Whether a thread of `pid` waits in open(2) of a FIFO for the other end (the kernel's
    /// `wait_for_partner`).
    package static func isOpeningFIFO(_ pid: Int32) -> Bool {
        waitChannels(pid).contains("wait_for_partner")
    }

    /// The CPU time all threads of `pid` have used so far, nanoseconds (`/proc/PID/task/*/schedstat`),
    /// and whether one of them is runnable now (state `R` in its `stat`); nil once it is gone.
    package static func activity(_ pid: Int32) -> (cpuNanoseconds: Int64, runnable: Bool)? {
        let tasks = "/proc/\(pid)/task"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { return nil }
        var total: Int64 = 0
        var runnable = false
        for name in names {
            let schedstat = (try? String(contentsOfFile: "\(tasks)/\(name)/schedstat", encoding: .utf8)) ?? ""
            total += Int64(schedstat.split(separator: " ").first ?? "") ?? 0
            // The state follows the command name, which is in parentheses and may hold spaces.
            let stat = (try? String(contentsOfFile: "\(tasks)/\(name)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" R") {
                runnable = true
            }
        }
        return (total, runnable)
    }

    /// Whether `pid` has nothing left to do but wait (for input, a signal, a timer): no thread of it
    /// runnable at the start or the end of `seconds`, and no CPU time used in between. A process
    /// that has work queued uses the CPU or waits for it in that time.
    package static func isIdle(_ pid: Int32, over seconds: Double = 0.1) -> Bool {
        guard let before = activity(pid), !before.runnable else { return false }
        usleep(UInt32(seconds * 1_000_000))
        guard let after = activity(pid), !after.runnable else { return false }
        return after.cpuNanoseconds == before.cpuNanoseconds
    }

    /// The command name of `pid` (`/proc/PID/comm`: the program it runs now, after any exec).
    package static func command(_ pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The bytes written into the pipe or FIFO of `descriptor` (either end) and not read yet.
    package static func unreadBytes(_ descriptor: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(descriptor, UInt(FIONREAD), &count) == 0 ? Int(count) : -1
    }

    /// The size of the file at `path` in bytes, 0 when there is none.
    package static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
