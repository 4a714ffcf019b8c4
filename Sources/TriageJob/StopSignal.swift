import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM ask the run to stop: reading stops, batches in flight finish, the journal
/// is closed and the run ends with exit status 3. `@unchecked Sendable`: `sources` is touched
/// only by `install()`/`uninstall()` on the thread that runs the job.
final class StopSignal: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    private var sources: [DispatchSourceSignal] = []

    /// Whether a stop was asked for.
    var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Asks for a stop (also used by tests).
    func request() { requested.store(true, ordering: .relaxed) }

    /// Installs the handlers until ``uninstall()``.
    func install() {
        let queue = DispatchQueue(label: "triage.signals")
        var installed: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in request() }
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
