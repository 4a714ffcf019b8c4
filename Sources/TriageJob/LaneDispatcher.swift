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
/// - Stopping the run (a signal, a journal that cannot be written): batches not yet sent are never
///   sent, and batches waiting to be sent again (a retry's backoff, a per-finding resend) are not
///   either; requests on the wire finish. What was not decided is handed back by
///   ``waitForAll()`` for `--resume`; the members a batch already has outcomes for are journaled.
/// - Stopping a lane (``LaneStop``: credentials refused, an endpoint that fails through every
///   retry): the same for that Region only; the other Regions go on, and batches planned for the
///   stopped Region later are refused by ``submit(_:unlessStopped:)``.
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
    /// Lanes stopped, by Region, and in the order they stopped.
    private var stoppedLanes: [String: LaneStop] = [:]
    private var stopOrder: [LaneStop] = []
    /// What will not be sent, for `--resume`.
    private var leftover = DispatchLeftover()
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
        // A stop wakes the planning thread waiting for room, and drops what waits in the lanes.
        // On the queue: the stop may be asked for under the ledger's lock (a journal write that
        // failed), and emptying the lanes journals what their batches decided.
        stop.observe { [weak self] in
            guard let self else { return }
            queue.async { self.runStopped() }
        }
    }

    /// How long a stop waits for the requests on the wire before cutting them off: long enough
    /// for any answer that is coming (Security Hub answers in well under a second), short enough
    /// for a scheduler's termination grace period (Kubernetes gives 30 s).
    static let stopGraceMilliseconds: Int64 = 10_000

    var laneStops: [LaneStop] {
        condition.lock()
        defer { condition.unlock() }
        return stopOrder
    }

    @discardableResult
    func submit(_ batch: PlannedBatch, unlessStopped stop: StopSignal?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queued >= maxQueued, !self.stop.isRequested, stop?.isRequested != true, stoppedLanes[batch.region] == nil
        {
            condition.wait()
        }
        if self.stop.isRequested || stop?.isRequested == true || stoppedLanes[batch.region] != nil { return false }
        if lanes[batch.region] == nil {
            lanes[batch.region] = Lane()
            laneOrder.append(batch.region)
        }
        lanes[batch.region]!.fresh.append(batch)
        queued += 1
        pump()
        return true
    }

    func waitForAll() -> DispatchLeftover {
        condition.lock()
        defer { condition.unlock() }
        // Woken by every finished batch and by a stop (which empties the lanes).
        while queued > 0 { condition.wait() }
        defer { leftover = DispatchLeftover() }
        return leftover
    }

    /// The run stopped: every lane is emptied of what waits; requests on the wire finish.
    private func runStopped() {
        // Requests on the wire get a grace period to be answered, then are cut off.
        target.interruptRequests(afterMilliseconds: Self.stopGraceMilliseconds)
        condition.lock()
        var decided: [Decided] = []
        for name in laneOrder { decided += empty(lane: name) }
        condition.broadcast()
        condition.unlock()
        record(decided)
    }

    /// The members of a batch that will go no further with their final outcomes, to journal.
    private typealias Decided = (batch: PlannedBatch, outcomes: [Outcome])

    /// Takes every batch waiting in lane `name` out of it: fresh ones were never sent, retries
    /// leave what they decided. Caller holds the lock.
    private func empty(lane name: String) -> [Decided] {
        var decided: [Decided] = []
        while lanes[name]!.hasFresh {
            leftover.neverSent.append(lanes[name]!.popFresh())
            queued -= 1
        }
        for retry in lanes[name]!.retries {
            if let part = leave(retry.work) { decided.append(part) }
        }
        lanes[name]!.retries.removeAll()
        return decided
    }

    /// A batch that was sent and goes no further: its findings released, its undecided members
    /// left for `--resume`. Caller holds the lock.
    private func leave(_ work: BatchAttempt) -> Decided? {
        gate.finish(work.batch.members)
        queued -= 1
        let parts = work.split()
        if let undecided = parts.undecided { leftover.unfinished.append(undecided) }
        return parts.decided
    }

    /// Journals what batches that went no further decided (outside the lock: it syncs).
    private func record(_ decided: [Decided]) {
        for part in decided { ledger.finish(part.batch, outcomes: part.outcomes) }
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
        // Once the run stops nothing is sent again: the stop empties the lanes.
        if let index = readyRetry, !stopped {
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
        var decided: [Decided] = []
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
            if stop.isRequested || stoppedLanes[next.batch.region] != nil {
                if let part = leave(next) { decided.append(part) }
            } else {
                lanes[next.batch.region]!.retries.append(Retry(work: next, readyAt: target.now() + max(0, delay)))
            }
        case .stopped(let next, let why):
            condition.lock()
            onWire -= 1
            if let part = leave(next) { decided.append(part) }
            if stoppedLanes[why.region] == nil {
                stoppedLanes[why.region] = why
                stopOrder.append(why)
            }
            if lanes[why.region] != nil { decided += empty(lane: why.region) }
        }
        pump()
        condition.broadcast()
        condition.unlock()
        record(decided)
    }
}
