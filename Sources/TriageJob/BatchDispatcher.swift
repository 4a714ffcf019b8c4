import Dispatch
import Foundation
import TriageCore

/// What the planning thread hands batches to: ``BatchDispatcher`` for the store,
/// ``LaneDispatcher`` for a remote target.
protocol BatchSubmitter: AnyObject, Sendable {
    /// Queues `batch`, blocking while too much is queued; false (nothing sent) once stopped.
    func submit(_ batch: PlannedBatch, unlessStopped stop: StopSignal?) -> Bool
    /// Waits until every batch started has finished; returns what was left unsent (stopped).
    func waitForAll() -> DispatchLeftover
    /// The lanes that stopped because the target failed them, in order (exit status 5).
    var laneStops: [LaneStop] { get }
    /// Why batches set aside in a temporary file could not be read back (the run stopped).
    var readAheadFailure: String? { get }
}

extension BatchSubmitter {
    var laneStops: [LaneStop] { [] }
    var readAheadFailure: String? { nil }
}

/// What a dispatcher did not send, for `--resume`: batches never sent (counted, not kept: a lane's
/// batches waiting in its temporary file are never read back for this), and the undecided members
/// of batches that were sent but went no further (a stop while they waited to be sent again).
struct DispatchLeftover {
    /// Batches handed to the dispatcher and never sent.
    private(set) var neverSentBatches = 0
    /// Their records, by input.
    private(set) var neverSentRecords: [Int: Int] = [:]
    var unfinished: [PlannedBatch] = []

    /// Counts a batch never sent.
    mutating func addNeverSent(_ batch: PlannedBatch) {
        neverSentBatches += 1
        for member in batch.members { neverSentRecords[member.source.input, default: 0] += 1 }
    }

    /// Counts `batches` never sent, with `recordsByInput` records.
    mutating func addNeverSent(batches: Int, recordsByInput: [Int: Int]) {
        neverSentBatches += batches
        neverSentRecords.merge(recordsByInput, uniquingKeysWith: +)
    }
}

/// Runs batches on a concurrent Dispatch queue, at most `concurrency` at once, in plan order, and
/// never two batches that share a finding at the same time (``InFlightFindings``).
///
/// ``submit(_:)`` blocks the planning thread while all slots are busy or while an earlier batch
/// with one of the same findings is still running, so the reader waits when appliers fall behind
/// and memory stays flat. `@unchecked Sendable`: `gate` and `running` are guarded by `condition`.
final class BatchDispatcher: @unchecked Sendable, BatchSubmitter {
    private let target: BatchTarget
    private let ledger: ApplyLedger
    private let concurrency: Int
    private let queue = DispatchQueue(label: "triage.apply", attributes: .concurrent)
    private let group = DispatchGroup()
    private let condition = NSCondition()
    private var gate = InFlightFindings()
    private var running = 0
    private let progress: ProgressLine?

    init(target: BatchTarget, ledger: ApplyLedger, concurrency: Int, progress: ProgressLine? = nil) {
        self.target = target
        self.ledger = ledger
        self.concurrency = max(1, concurrency)
        self.progress = progress
    }

    /// Starts `batch` as soon as a slot is free and no running batch shares a finding with it;
    /// returns false, sending nothing, when `stop` was requested by then.
    @discardableResult
    func submit(_ batch: PlannedBatch, unlessStopped stop: StopSignal?) -> Bool {
        condition.lock()
        while running >= concurrency || !gate.canStart(batch.members) { condition.wait() }
        if stop?.isRequested == true {
            condition.unlock()
            return false
        }
        gate.start(batch.members)
        running += 1
        condition.unlock()
        queue.async(group: group) { [self] in
            ledger.noteSent()
            let outcomes = target.apply(batch)
            // The journal entry is durable before the batch's findings are released: a later batch
            // for one of them can only start after this one is recorded.
            ledger.finish(batch, outcomes: Self.aligned(outcomes, to: batch))
            progress?.batchesDone.add(1, ordering: .relaxed)
            condition.lock()
            gate.finish(batch.members)
            running -= 1
            condition.broadcast()
            condition.unlock()
        }
        return true
    }

    /// Waits for every submitted batch; every one was started, so none comes back.
    func waitForAll() -> DispatchLeftover {
        group.wait()
        return DispatchLeftover()
    }

    /// One outcome per member even if a target misbehaves (never silently drop a record).
    static func aligned(_ outcomes: [Outcome], to batch: PlannedBatch) -> [Outcome] {
        if outcomes.count == batch.members.count { return outcomes }
        return batch.members.indices.map { index in
            index < outcomes.count ? outcomes[index] : .failed(.internalFailure, "the target returned no outcome")
        }
    }
}
