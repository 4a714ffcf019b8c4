import Dispatch
import Foundation
import TriageCore

/// Runs the batches of a ``RemoteBatchTarget``: one lane per Region, each paced by the target's
/// rate for that Region, at most `concurrency` requests on the wire at once.
///
/// - A batch waits in its lane, not in a slot: a slot is taken only when the lane's rate allows a
///   send, so a Region that waits for its rate or for a backoff never keeps another Region's
///   batch from the wire. Waiting is a timer, not a thread, and so is a request on the wire: a
///   slot holds no thread (``RemoteBatchTarget/attempt(_:completion:)`` calls back), so
///   `concurrency` requests are on the wire however few threads Dispatch runs.
/// - Order: fresh batches leave a lane first in, first out, and only when no running batch shares
///   a finding (``InFlightFindings``); a batch keeps its findings from its first send until every
///   member has its final outcome, retries included, so later decisions for them wait. A finding
///   is always in the same lane (its Region comes from its own `ProductArn`).
/// - Retries (what the target asks to send again) go before fresh batches once their backoff has
///   passed; they hold no slot while they wait.
/// - Memory: at most `maxQueued` batches wait or run; ``submit(_:unlessStopped:)`` blocks the
///   planning thread beyond that. Regions run side by side within that read-ahead.
/// - Stopping: batches not yet sent when the run stops are never sent (``waitForAll()`` hands them
///   back for `--resume`); those already sent finish, retries included.
///
/// `@unchecked Sendable`: every `var` is guarded by `condition`.
final class LaneDispatcher: @unchecked Sendable, BatchSubmitter {
    private struct Retry {
        var work: BatchAttempt
        var readyAt: Int64
    }

    private struct Lane {
        var fresh: [PlannedBatch] = []
        var freshHead = 0
        var retries: [Retry] = []
        /// When a timer will look at the lane again; nil when none is set.
        var wakeAt: Int64?

        var hasFresh: Bool { freshHead < fresh.count }

        mutating func popFresh() -> PlannedBatch {
            let batch = fresh[freshHead]
            freshHead += 1
            if freshHead > 64, freshHead * 2 > fresh.count {
                fresh.removeFirst(freshHead)
                freshHead = 0
            }
            return batch
        }
    }

    private let target: RemoteBatchTarget
    private let ledger: ApplyLedger
    private let concurrency: Int
    private let maxQueued: Int
    private let stop: StopSignal
    private let progress: ProgressLine?
    private let queue = DispatchQueue(label: "triage.apply.remote", attributes: .concurrent)
    private let condition = NSCondition()
    private var lanes: [String: Lane] = [:]
    /// Lane names in the order they appeared; slots are offered round-robin from `nextLane`.
    private var laneOrder: [String] = []
    private var nextLane = 0
    private var gate = InFlightFindings()
    /// Requests on the wire.
    private var onWire = 0
    /// Batches submitted and not finished (waiting, on the wire or waiting to retry).
    private var queued = 0

    init(
        target: RemoteBatchTarget, ledger: ApplyLedger, concurrency: Int, stop: StopSignal,
        progress: ProgressLine? = nil
    ) {
        self.target = target
        self.ledger = ledger
        self.concurrency = max(1, concurrency)
        self.maxQueued = max(256, 8 * self.concurrency)
        self.stop = stop
        self.progress = progress
    }

    @discardableResult
    func submit(_ batch: PlannedBatch, unlessStopped stop: StopSignal?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queued >= maxQueued, !self.stop.isRequested, stop?.isRequested != true { condition.wait() }
        if self.stop.isRequested || stop?.isRequested == true { return false }
        if lanes[batch.region] == nil {
            lanes[batch.region] = Lane()
            laneOrder.append(batch.region)
        }
        lanes[batch.region]!.fresh.append(batch)
        queued += 1
        pump()
        return true
    }

    func waitForAll() -> [PlannedBatch] {
        condition.lock()
        defer { condition.unlock() }
        var unsent: [PlannedBatch] = []
        while queued > 0 {
            if stop.isRequested {
                // Never sent: dropped from the lanes, for --resume.
                for name in laneOrder {
                    while lanes[name]!.hasFresh { unsent.append(lanes[name]!.popFresh()) }
                }
                queued = onWireOrRetrying
                if queued == 0 { break }
            }
            // Woken by every finished batch; a stop request is seen within 0.2 s.
            _ = condition.wait(until: Date().addingTimeInterval(0.2))
        }
        return unsent
    }

    /// Batches sent at least once and not finished. Caller holds the lock.
    private var onWireOrRetrying: Int {
        onWire + lanes.values.reduce(0) { $0 + $1.retries.count }
    }

    /// Starts whatever may start now and sets a timer for what waits on time. Caller holds the lock.
    private func pump() {
        let now = target.now()
        let stopped = stop.isRequested
        var startedAny = true
        while onWire < concurrency, startedAny {
            startedAny = false
            for step in 0..<laneOrder.count {
                if onWire >= concurrency { break }
                let name = laneOrder[(nextLane + step) % laneOrder.count]
                if start(lane: name, now: now, stopped: stopped) {
                    startedAny = true
                    nextLane = (nextLane + step + 1) % laneOrder.count
                    break
                }
            }
        }
    }

    /// Starts the lane's next request if it has one ready and its rate allows; sets the lane's
    /// timer when it waits on time. Caller holds the lock.
    private func start(lane name: String, now: Int64, stopped: Bool) -> Bool {
        var lane = lanes[name]!
        defer { lanes[name] = lane }
        var wake: Int64?
        let readyRetry = lane.retries.indices.min { lane.retries[$0].readyAt < lane.retries[$1].readyAt }
        var pick: BatchAttempt?
        var retryIndex: Int?
        if let index = readyRetry {
            if lane.retries[index].readyAt <= now {
                retryIndex = index
            } else {
                wake = lane.retries[index].readyAt
            }
        }
        if retryIndex == nil, !stopped, lane.hasFresh, gate.canStart(lane.fresh[lane.freshHead].members) {
            pick = BatchAttempt(lane.fresh[lane.freshHead])
        }
        if retryIndex != nil || pick != nil {
            let delay = target.sendDelay(region: name, now: now)
            if delay > 0 {
                wake = min(wake ?? .max, now + delay)
            } else {
                let work: BatchAttempt
                if let retryIndex {
                    work = lane.retries.remove(at: retryIndex).work
                } else {
                    work = pick!
                    _ = lane.popFresh()
                    gate.start(work.batch.members)
                }
                target.takeSend(region: name, now: now)
                onWire += 1
                queue.async { [self] in run(work) }
                return true
            }
        }
        if let wake, lane.wakeAt.map({ wake < $0 }) ?? true {
            lane.wakeAt = wake
            let delay = max(1, wake - now)
            queue.asyncAfter(deadline: .now() + .milliseconds(Int(delay))) { [self] in
                condition.lock()
                if lanes[name]?.wakeAt == wake { lanes[name]!.wakeAt = nil }
                pump()
                condition.unlock()
            }
        }
        return false
    }

    /// Sends one request; its answer, on whatever thread it comes, is handled on `queue`.
    private func run(_ work: BatchAttempt) {
        target.attempt(work) { [self] result in
            queue.async { [self] in answered(work, result) }
        }
    }

    /// The batch finished or back in its lane, and the slot it held free for the next request.
    private func answered(_ work: BatchAttempt, _ result: BatchAttempt.Result) {
        switch result {
        case .finished(let outcomes):
            // Durable in the journal before the batch's findings are released.
            ledger.finish(work.batch, outcomes: BatchDispatcher.aligned(outcomes, to: work.batch))
            progress?.batchesDone.add(1, ordering: .relaxed)
            condition.lock()
            gate.finish(work.batch.members)
            onWire -= 1
            queued -= 1
        case .again(let next, let delay):
            condition.lock()
            onWire -= 1
            lanes[next.batch.region]!.retries.append(Retry(work: next, readyAt: target.now() + max(0, delay)))
        }
        pump()
        condition.broadcast()
        condition.unlock()
    }
}
