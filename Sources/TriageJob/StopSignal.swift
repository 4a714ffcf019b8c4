import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Why a run stops early, and the one mechanism that stops it: reading stops, no new batch is
/// planned, batches in flight finish, the journal is closed and the records not sent are left
/// for `--resume`.
///
/// SIGINT and SIGTERM request a stop (exit status 3); so does a journal or spool write that
/// failed (exit status 4: applying without a record of it would lose track of what was done).
/// The first reason wins. `@unchecked Sendable`: `sources` is touched only by
/// `install()`/`uninstall()` on the thread that runs the job; the reason is atomic.
final class StopSignal: @unchecked Sendable {
    /// Why the run stopped.
    enum Reason: UInt8, Sendable {
        /// SIGINT or SIGTERM (or a test's request).
        case signal = 1
        /// The journal could not be written.
        case journalFailed = 2
        /// The record spool (what the reports are made of) could not be written.
        case spoolFailed = 3
    }

    private let reason = Atomic<UInt8>(0)
    private var sources: [DispatchSourceSignal] = []
    /// Called once, on the requesting thread, when the first stop is asked for: whatever waits
    /// on a condition of its own (a dispatcher's planning thread waiting for room) is woken.
    private let observers = Mutex<[@Sendable () -> Void]>([])

    /// Whether a stop was asked for.
    var isRequested: Bool { reason.load(ordering: .relaxed) != 0 }

    /// The first reason given, if any.
    var requestedReason: Reason? { Reason(rawValue: reason.load(ordering: .relaxed)) }

    /// Asks for a stop; the first reason is kept.
    func request(_ why: Reason = .signal) {
        guard reason.compareExchange(expected: 0, desired: why.rawValue, ordering: .relaxed).exchanged else { return }
        for observer in observers.withLock({ $0 }) { observer() }
    }

    /// Calls `wake` when the stop is asked for (at once when it already was). A waiter that
    /// checks ``isRequested`` under its lock and is woken by `wake` under the same lock never
    /// misses the stop.
    func observe(_ wake: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(wake) }
        if isRequested { wake() }
    }

    /// Installs the handlers until ``uninstall()``.
    func install() {
        let queue = DispatchQueue(label: "triage.signals")
        var installed: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in request(.signal) }
            source.resume()
            installed.append(source)
        }
        sources = installed
    }

    /// Restores the default handlers.
    func uninstall() {
        for source in sources { source.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
