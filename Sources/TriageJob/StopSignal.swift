import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The one mechanism that stops a run early (its reason a ``StopReason``): reading stops, no new batch is
/// planned, batches in flight finish, the journal is closed and the records not sent are left
/// for `--resume`.
///
/// SIGINT and SIGTERM request a stop (exit status 3); so does a journal or spool write that
/// failed (exit status 4: applying without a record of it would lose track of what was done).
/// The first reason wins. `@unchecked Sendable`: `sources` and `inherited` are touched only by
/// `install()`/`uninstall(keepingIgnored:)` on the thread that runs the job; the reason is atomic.
final class StopSignal: @unchecked Sendable {
    private let reason = Atomic<UInt8>(0)
    private var sources: [DispatchSourceSignal] = []
    /// Called once, on the requesting thread, when the first stop is asked for: whatever waits
    /// on a condition of its own (a dispatcher's planning thread waiting for room) is woken.
    private let observers = Mutex<[@Sendable () -> Void]>([])

    /// Whether a stop was asked for.
    var isRequested: Bool { reason.load(ordering: .relaxed) != 0 }

    /// The first reason given, if any.
    var requestedReason: StopReason? { StopReason(rawValue: reason.load(ordering: .relaxed)) }

    /// Asks for a stop; the first reason is kept.
    func request(_ why: StopReason = .signal) {
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

    /// The dispositions of SIGINT and SIGTERM before ``install()``, restored by ``uninstall(keepingIgnored:)``
    /// unless it keeps them ignored.
    private var inherited: [(signal: Int32, action: sigaction)] = []

    /// Installs the handlers until ``uninstall(keepingIgnored:)``.
    func install() {
        let queue = DispatchQueue(label: "triage.signals")
        var installed: [DispatchSourceSignal] = []
        inherited = []
        for number in [SIGINT, SIGTERM] {
            var ignore = sigaction()
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            sigemptyset(&ignore.sa_mask)
            var previous = sigaction()
            sigaction(number, &ignore, &previous)
            inherited.append((number, previous))
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in request(.signal) }
            source.resume()
            installed.append(source)
        }
        sources = installed
    }

    /// Removes the handlers once the run has ended. With `keepingIgnored` (the executable) SIGINT
    /// and SIGTERM stay ignored until the process exits: the run's outcome is decided, and a
    /// signal arriving between here and the exit must not replace its exit status with 130 or
    /// 143. Without it (a caller that goes on: tests, a library) the dispositions the process had
    /// before ``install()`` come back.
    func uninstall(keepingIgnored: Bool) {
        for source in sources { source.cancel() }
        sources.removeAll()
        if !keepingIgnored {
            for (number, action) in inherited {
                var restored = action
                sigaction(number, &restored, nil)
            }
        }
        inherited = []
    }
}
