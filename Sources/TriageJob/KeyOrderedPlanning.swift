import Dispatch
import TriageCore

/// Plans valid decisions through a ``KeyOrderWindow`` on two threads: the planning thread fills
/// and sorts one window while a feeder thread hands the previous, sorted one to the batch planner
/// (whose `emit` blocks while the appliers are busy). Reading, sorting and applying overlap, and
/// at most two windows are held.
///
/// `@unchecked Sendable`: `filling` is touched only by the planning thread; `planner` and
/// `discardedByInput` only by the feeder, or by the planning thread while it holds `idle` (the
/// feeder is then idle).
final class KeyOrderedPlanning: @unchecked Sendable {
    private var filling: KeyOrderWindow
    private var planner: BatchPlanner
    private let feeder = DispatchQueue(label: "triage.plan")
    private let idle = DispatchSemaphore(value: 1)
    private let stop: StopSignal
    private let emit: @Sendable (PlannedBatch) -> Void
    /// Records never planned because the run was interrupted, by input.
    private var discardedByInput: [Int: Int] = [:]

    init(capacity: Int, planner: BatchPlanner, stop: StopSignal, emit: @escaping @Sendable (PlannedBatch) -> Void) {
        filling = KeyOrderWindow(capacity: capacity)
        self.planner = planner
        self.stop = stop
        self.emit = emit
    }

    /// Adds a valid decision; a full window is sorted here and handed to the feeder (waiting
    /// while the feeder still plans the window before).
    func add(_ entry: KeyOrderWindow.Entry) {
        filling.append(entry)
        if filling.isFull { handOff() }
    }

    /// End of input: plans what is held and sends every open batch; returns when all are sent.
    func finish() {
        handOff()
        idle.wait()
        defer { idle.signal() }
        planner.finish(emit: emit)
    }

    /// Interrupted: waits for the feeder, then drops the open batches and the decisions still held.
    /// Returns the records dropped, by input (they get no outcome and are left for `--resume`).
    func discardAll() -> [Int: Int] {
        idle.wait()
        defer { idle.signal() }
        for member in planner.discardOpenBatches() { discardedByInput[member.source.input, default: 0] += 1 }
        for entry in filling.discard() { discardedByInput[entry.source.input, default: 0] += 1 }
        return discardedByInput
    }

    private func handOff() {
        var window = filling
        filling = KeyOrderWindow(capacity: window.capacity)
        window.sort()
        idle.wait()
        let sorted = window
        feeder.async { [self] in
            var window = sorted
            let rest = window.drain { entry in
                if stop.isRequested { return false }
                planner.add(
                    sequence: entry.sequence, identifier: entry.identifier, update: entry.update, source: entry.source,
                    emit: emit)
                return true
            }
            for entry in rest { discardedByInput[entry.source.input, default: 0] += 1 }
            idle.signal()
        }
    }
}
