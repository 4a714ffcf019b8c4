import Dispatch
import Synchronization
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The progress line on stderr (`--progress`): records read, batches sent and finished, rate,
/// redrawn once a second in place, cleared at the end. Counters are atomics bumped by the
/// pipeline's threads; a Dispatch timer draws. `@unchecked Sendable`: the timer is set up in
/// `init` and only cancelled in `finish()` afterwards; the counters are atomics.
final class ProgressLine: @unchecked Sendable {
    /// When to show it.
    enum Mode: String, Sendable {
        /// Only when stderr is a terminal.
        case auto
        /// Always (log files get one line a second).
        case always
        /// Never.
        case never
    }

    let recordsRead = Atomic<Int>(0)
    let batchesSent = Atomic<Int>(0)
    let batchesDone = Atomic<Int>(0)
    private let clock: JobClock
    private let started: Int64
    private let timer: DispatchSourceTimer?
    private let verb: String
    private let inPlace: Bool

    /// A progress line for `verb`, its rates timed on `clock`'s monotonic readings.
    init(mode: Mode, verb: String, clock: JobClock) {
        self.verb = verb
        self.clock = clock
        started = clock.monotonicMilliseconds()
        let terminal = isatty(2) == 1
        inPlace = terminal
        let show = mode == .always || (mode == .auto && terminal)
        timer = show ? DispatchSource.makeTimerSource(queue: DispatchQueue(label: "triage.progress")) : nil
        timer?.schedule(deadline: .now() + 1, repeating: 1)
        timer?.setEventHandler { [self] in draw(final: false) }
        timer?.resume()
    }

    /// Stops drawing and clears the line.
    func finish() {
        guard let timer else { return }
        timer.cancel()
        if inPlace { Self.write("\r\u{1B}[K") }
    }

    private func draw(final: Bool) {
        let seconds = max(0.001, Double(clock.monotonicMilliseconds() - started) / 1000)
        let read = recordsRead.load(ordering: .relaxed)
        var line = "triage \(verb): \(read) records read (\(Int(Double(read) / seconds))/s)"
        let sent = batchesSent.load(ordering: .relaxed)
        if sent > 0 {
            line +=
                verb == "validate"
                ? ", \(sent) requests planned" : ", \(batchesDone.load(ordering: .relaxed))/\(sent) requests done"
        }
        line += ", \(Int(seconds)) s"
        Self.write(inPlace ? "\r\u{1B}[K" + line : line + "\n")
    }

    private static func write(_ text: String) {
        text.withCString { pointer in _ = Glibc.write(2, pointer, strlen(pointer)) }
    }
}
