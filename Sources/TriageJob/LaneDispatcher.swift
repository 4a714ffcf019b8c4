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
/// - Read-ahead, per lane: each lane keeps up to `laneReadAhead` batches waiting or running, and
///   a lane that has that many does not hold back the others. ``submit(_:unlessStopped:)`` blocks
///   the planning thread only when every lane it fed lately has its read-ahead (reading further
///   would gain nothing); while one of them wants more, a batch whose own lane has no room in
///   memory goes to the end of that lane's temporary file (``BatchSpill``) and the planning thread
///   reads on. So a throttled or failing Region's batches pile up on disk, not in front of the
///   other Regions. A lane fed lately: one handed a batch among the last `recentWindow` planned
///   (so an input sorted by Region does not copy a whole Region to disk once the Region before it
///   has ended: at most `recentWindow` batches).
/// - Memory: a lane holds at most `laneReadAhead` batches in memory (waiting, on the wire, or
///   waiting to be sent again), all lanes together at most `maxInMemory`, except that a lane may
///   always hold `laneFloor` (so lanes that hold memory and never send cannot starve the others).
///   A lane's temporary file is read back, in order, as its batches leave memory; nothing of a
///   lane goes to memory while its file holds batches. If the file cannot be written, that lane's
///   later batches wait for room in memory (the planning thread waits for them); if it cannot be
///   read back, the run stops as for a spool that cannot be written (exit status 4).
/// - Stopping the run (a signal, a journal that cannot be written): batches not yet sent are never
///   sent, and batches waiting to be sent again (a retry's backoff, a per-finding resend) are not
///   either; requests on the wire finish. What was not decided is handed back by
///   ``waitForAll()`` for `--resume` (batches in the temporary files counted by what their file
///   recorded, never read back); the members a batch already has outcomes for are journaled.
/// - Stopping a lane (``LaneStop``: credentials refused, an endpoint that fails through every
///   retry): the same for that Region only (its temporary file included); the other Regions go on,
///   and batches planned for the stopped Region later are refused by
///   ``submit(_:unlessStopped:)``.
///
/// `@unchecked Sendable`: every `var` is guarded by `condition`.
final class LaneDispatcher: @unchecked Sendable, BatchSubmitter {
    private typealias Lane = DispatchLane
    private typealias Retry = DispatchLane.Retry

    private let target: RemoteBatchTarget
    private let ledger: ApplyLedger
    private let concurrency: Int
    /// Batches in memory, all lanes together (see `laneFloor`).
    let maxInMemory: Int
    /// Batches one lane keeps waiting or running (memory and its temporary file together) before
    /// it stops asking for more; and the most it holds in memory.
    let laneReadAhead: Int
    /// Batches a lane may hold in memory even when all lanes together hold `maxInMemory`.
    static let laneFloor = 4
    /// A lane was fed lately when it was handed one of the last `recentWindow` batches planned.
    let recentWindow: Int
    private let stop: StopSignal
    private let temporaryDirectory: String
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
    /// Batches submitted and not finished (waiting in memory or in a file, on the wire or waiting
    /// to retry).
    private var queued = 0
    /// Batches in memory, all lanes.
    private var inMemory = 0
    /// Batches handed over by the planning thread so far (a lane's `lastFed` is one of these).
    private var handedOver = 0
    /// Lanes whose temporary file holds batches.
    private var spillingLanes = 0
    /// What the dispatcher kept, at most: batches in memory (all lanes, one lane), and batches put
    /// in temporary files.
    private var kept = (inMemory: 0, laneInMemory: 0, spilled: 0)
    /// Why a lane's temporary file could not be read back (the run stopped), if it happened.
    private var readBackFailure: String?

    init(
        target: RemoteBatchTarget, ledger: ApplyLedger, concurrency: Int, stop: StopSignal,
        temporaryDirectory: String = "/tmp", progress: ProgressLine? = nil
    ) {
        self.target = target
        self.ledger = ledger
        self.concurrency = max(1, concurrency)
        self.maxInMemory = max(256, 8 * self.concurrency)
        self.laneReadAhead = max(32, 2 * self.concurrency)
        self.recentWindow = 4 * maxInMemory
        self.stop = stop
        self.temporaryDirectory = temporaryDirectory
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

    var readAheadFailure: String? {
        condition.lock()
        defer { condition.unlock() }
        return readBackFailure
    }

    /// The most batches held in memory so far (all lanes, and any one lane), and how many were put
    /// in temporary files (for tests).
    var highWater: (inMemory: Int, laneInMemory: Int, spilled: Int) {
        condition.lock()
        defer { condition.unlock() }
        return kept
    }

    @discardableResult
    func submit(_ batch: PlannedBatch, unlessStopped stop: StopSignal?) -> Bool {
        let name = batch.region
        condition.lock()
        defer { condition.unlock() }
        if lanes[name] == nil {
            lanes[name] = Lane()
            laneOrder.append(name)
        }
        handedOver += 1
        lanes[name]!.lastFed = handedOver
        while true {
            if self.stop.isRequested || stop?.isRequested == true || stoppedLanes[name] != nil { return false }
            if hasRoomInMemory(name) {
                hold(batch, in: name)
                break
            }
            // Woken by every batch that leaves memory and by a stop.
            if someLaneWantsMore(), spillOut(batch, to: name) { break }
            condition.wait()
        }
        queued += 1
        pump()
        return true
    }

    func waitForAll() -> DispatchLeftover {
        condition.lock()
        defer { condition.unlock() }
        // Woken by every finished batch and by a stop (which empties the lanes).
        while queued > 0 { condition.wait() }
        for name in laneOrder { lanes[name]!.closeSpill() }
        defer { leftover = DispatchLeftover() }
        return leftover
    }

    /// Whether lane `name` may take a batch into memory now: nothing of it waits in its file,
    /// it holds less than its read-ahead, and memory has room. Caller holds the lock.
    private func hasRoomInMemory(_ name: String) -> Bool {
        let lane = lanes[name]!
        return lane.spilled == 0 && lane.held < laneReadAhead
            && (inMemory < maxInMemory || lane.held < Self.laneFloor)
    }

    /// Whether a lane fed lately, not stopped, has fewer batches than its read-ahead: the
    /// planning thread then reads on. Caller holds the lock.
    private func someLaneWantsMore() -> Bool {
        laneOrder.contains { name in
            let lane = lanes[name]!
            return lane.total < laneReadAhead && handedOver - lane.lastFed < recentWindow && stoppedLanes[name] == nil
        }
    }

    /// Takes a batch into lane `name`'s memory. Caller holds the lock.
    private func hold(_ batch: PlannedBatch, in name: String) {
        lanes[name]!.hold(batch)
        inMemory += 1
        kept.inMemory = max(kept.inMemory, inMemory)
        kept.laneInMemory = max(kept.laneInMemory, lanes[name]!.held)
    }

    /// A batch of lane `name` left memory. Caller holds the lock.
    private func release(in name: String) {
        lanes[name]!.release()
        inMemory -= 1
    }

    /// Puts a batch at the end of lane `name`'s temporary file; false when it cannot be written.
    /// Caller holds the lock.
    private func spillOut(_ batch: PlannedBatch, to name: String) -> Bool {
        let wasEmpty = lanes[name]!.spilled == 0
        guard lanes[name]!.spillOut(batch, directory: temporaryDirectory) else { return false }
        if wasEmpty { spillingLanes += 1 }
        kept.spilled += 1
        return true
    }

    /// Reads lanes' batches back from their files into memory while they have room, in order.
    /// A file that cannot be read back stops the run. Caller holds the lock.
    private func readBack() {
        guard spillingLanes > 0, !stop.isRequested else { return }
        for step in 0..<laneOrder.count {
            let name = laneOrder[(nextLane + step) % laneOrder.count]
            guard lanes[name]!.spilled > 0, stoppedLanes[name] == nil else { continue }
            while lanes[name]!.spilled > 0, lanes[name]!.held < laneReadAhead,
                inMemory < maxInMemory || lanes[name]!.held < Self.laneFloor
            {
                do {
                    try lanes[name]!.readBack()
                } catch {
                    readBackFailure = "the temporary file of Region \(name)'s batches could not be read back: \(error)"
                    // The stop empties the lanes (on the queue): the file's batches are left for --resume.
                    stop.request(.spoolFailed)
                    return
                }
                inMemory += 1
                kept.inMemory = max(kept.inMemory, inMemory)
                kept.laneInMemory = max(kept.laneInMemory, lanes[name]!.held)
                if lanes[name]!.spilled == 0 { spillingLanes -= 1 }
            }
        }
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
        if lanes[name]!.spilled > 0 { spillingLanes -= 1 }
        let taken = lanes[name]!.takeNeverSent(into: &leftover)
        inMemory -= taken.inMemory
        queued -= taken.inMemory + taken.spilled
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
        release(in: work.batch.region)
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
        readBack()
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
        if retryIndex == nil, !stopped, lane.hasFresh, gate.canStart(lane.nextFresh.members) {
            pick = BatchAttempt(lane.nextFresh)
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
            release(in: work.batch.region)
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
