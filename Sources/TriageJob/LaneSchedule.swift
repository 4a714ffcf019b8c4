import TriageCore
import TriageIO

/// The scheduler's decisions, as a value: which batch starts, which waits in memory or in its
/// lane's temporary file, when a lane wants to be looked at again, and what a stop leaves. No
/// thread, lock, timer or clock: ``LaneDispatcher`` (the thin shell) holds it under its lock, hands
/// it the time, sends what it starts and sets the timers it asks for; tests drive it directly.
///
/// - Lanes: one per Region (the store's batches have no Region: one lane). A batch waits in its
///   lane, not in a slot: a slot (one of `concurrency` attempts at once) is taken only when the
///   lane's ``LanePacer`` allows a send, so a Region that waits for its rate or for a backoff
///   never keeps another Region's batch from the wire. Slots are offered to the lanes in turn.
/// - Order: fresh batches leave a lane first in, first out, and only when no running batch shares
///   a finding (``InFlightFindings``); a batch keeps its findings from its first send until every
///   member has its final outcome, resends included, so later decisions for them wait. A finding
///   is always in the same lane (its Region comes from its own `ProductArn`).
/// - Resends (``BatchAttempt/Result/again(_:afterMilliseconds:)``) go before fresh batches once
///   their backoff has passed; they hold no slot while they wait.
/// - Read-ahead, per lane: a lane keeps up to `laneReadAhead` batches waiting or running, and a
///   lane that has that many does not hold back the others: ``admit(_:stopped:)`` says `.full`
///   (the planning thread waits) only when every lane fed lately has its read-ahead; while one of
///   them wants more, a batch whose own lane has no room in memory goes to the end of that lane's
///   temporary file (``BatchSpill``). A lane fed lately: one handed a batch among the last
///   `recentWindow` planned (so an input sorted by Region does not copy a whole Region to disk
///   once the Region before it has ended).
/// - Memory: a lane holds at most `laneReadAhead` batches in memory, all lanes together at most
///   `maxInMemory`, except that a lane may always hold `laneFloor` (so lanes that hold memory and
///   never send cannot starve the others). A lane's file is read back, in order, as its batches
///   leave memory; nothing of a lane goes to memory while its file holds batches. If the file
///   cannot be written, the lane's later batches wait for room in memory; if it cannot be read
///   back, ``pump(now:stopped:)`` says so and the run stops (exit status 4).
/// - A stopped run (``stopRun()``): batches not yet sent are never sent, nor are those waiting
///   to be sent again; what they decided is handed back to journal, the rest is left for
///   `--resume` (``finish()``). A stopped lane (``BatchAttempt/Result/stopped(_:_:)``: credentials
///   refused, an endpoint failing through every retry): the same for that Region only, and its
///   later batches are refused.
struct LaneSchedule {
    /// How much runs and waits at once.
    struct Limits: Equatable {
        /// Attempts at once (`--concurrency`).
        var concurrency: Int
        /// Batches in memory, all lanes together (see `laneFloor`).
        var maxInMemory: Int
        /// Batches one lane keeps waiting or running (memory and its file together) before it
        /// stops asking for more; and the most it holds in memory.
        var laneReadAhead: Int
        /// Batches a lane may hold in memory even when all lanes together hold `maxInMemory`.
        var laneFloor = 4
        /// A lane was fed lately when it was handed one of the last `recentWindow` batches planned.
        var recentWindow: Int

        /// The limits for `concurrency` attempts at once.
        init(concurrency: Int) {
            self.concurrency = max(1, concurrency)
            maxInMemory = max(256, 8 * self.concurrency)
            laneReadAhead = max(32, 2 * self.concurrency)
            recentWindow = 4 * maxInMemory
        }
    }

    /// What became of a batch handed to ``admit(_:stopped:)``.
    enum Admission: Equatable {
        /// Taken into its lane's memory.
        case held
        /// Put at the end of its lane's temporary file.
        case spilled
        /// No room: the planning thread waits (for a batch to leave memory, or a stop) and asks again.
        case full
        /// Never to be sent: the run or the batch's lane stopped.
        case refused
    }

    /// A lane to look at again at `at` (monotonic milliseconds): its rate or a backoff allows a send then.
    struct Wake: Equatable {
        var lane: LaneKey
        var at: Int64
    }

    /// What one ``pump(now:stopped:)`` decided.
    struct Pass {
        /// Attempts to send now, in the order they started.
        var starts: [BatchAttempt] = []
        /// Timers to set.
        var wakes: [Wake] = []
        /// A lane's temporary file could not be read back: the run must stop.
        var readBackFailure: String?
    }

    /// The members of a batch that goes no further, with their final outcomes, to journal.
    typealias Decided = (batch: PlannedBatch, outcomes: [Outcome])

    let limits: Limits
    private let temporaryDirectory: String
    private let makePacer: (LaneKey, Int64) -> (any LanePacer)?
    private(set) var lanes: [LaneKey: DispatchLane] = [:]
    /// Lane names in the order they appeared; slots are offered round-robin from `nextLane`.
    private(set) var laneOrder: [LaneKey] = []
    private var nextLane = 0
    private var gate = InFlightFindings()
    /// Lanes stopped, by Region, and in the order they stopped.
    private var stoppedLanes: [LaneKey: LaneStop] = [:]
    private(set) var laneStops: [LaneStop] = []
    /// What will not be sent, for `--resume`.
    private var leftover = DispatchLeftover()
    /// Attempts on the wire.
    private(set) var onWire = 0
    /// Batches admitted and not finished (waiting in memory or in a file, on the wire or waiting
    /// to be sent again).
    private(set) var queued = 0
    /// Batches in memory, all lanes.
    private(set) var inMemory = 0
    /// Batches handed over by the planning thread so far (a lane's `lastFed` is one of these).
    private var handedOver = 0
    /// Lanes whose temporary file holds batches.
    private var spillingLanes = 0
    /// The most the schedule kept: batches in memory (all lanes, one lane), and batches put in
    /// temporary files.
    private(set) var highWater = (inMemory: 0, laneInMemory: 0, spilled: 0)
    /// Requests, retries and throttles per Region, for a remote target; nil for the store.
    private(set) var statistics: RemoteStatistics?

    /// An empty schedule. `pacer(region, now)` paces a lane when it opens; `endpoint` names a
    /// remote target's endpoint (its requests are then counted), nil for the store.
    init(
        limits: Limits, temporaryDirectory: String, endpoint: String?,
        pacer: @escaping (LaneKey, Int64) -> (any LanePacer)?
    ) {
        self.limits = limits
        self.temporaryDirectory = temporaryDirectory
        self.makePacer = pacer
        statistics = endpoint.map { RemoteStatistics(endpoint: $0) }
    }

    /// Whether every batch admitted has finished or gone no further.
    var isIdle: Bool { queued == 0 }

    // MARK: Planning

    /// The planning thread hands over `batch` (once per batch, before ``admit(_:stopped:)``):
    /// its lane opens if new, and counts as fed lately.
    mutating func handOver(_ batch: PlannedBatch, now: Int64) {
        let name = batch.lane
        if lanes[name] == nil {
            lanes[name] = DispatchLane(pacer: makePacer(name, now))
            laneOrder.append(name)
        }
        handedOver += 1
        lanes[name]!.lastFed = handedOver
    }

    /// Takes `batch` (handed over before) into its lane's memory or file, or says why not.
    mutating func admit(_ batch: PlannedBatch, stopped: Bool) -> Admission {
        let name = batch.lane
        if stopped || stoppedLanes[name] != nil { return .refused }
        if hasRoomInMemory(name) {
            hold(batch, in: name)
            queued += 1
            return .held
        }
        if someLaneWantsMore(), spillOut(batch, to: name) {
            queued += 1
            return .spilled
        }
        return .full
    }

    /// Whether lane `name` may take a batch into memory now: nothing of it waits in its file,
    /// it holds less than its read-ahead, and memory has room.
    private func hasRoomInMemory(_ name: LaneKey) -> Bool {
        let lane = lanes[name]!
        return lane.spilled == 0 && lane.held < limits.laneReadAhead
            && (inMemory < limits.maxInMemory || lane.held < limits.laneFloor)
    }

    /// Whether a lane fed lately, not stopped, has fewer batches than its read-ahead: the
    /// planning thread then reads on.
    private func someLaneWantsMore() -> Bool {
        laneOrder.contains { name in
            let lane = lanes[name]!
            return lane.total < limits.laneReadAhead && handedOver - lane.lastFed < limits.recentWindow
                && stoppedLanes[name] == nil
        }
    }

    /// Takes a batch into lane `name`'s memory.
    private mutating func hold(_ batch: PlannedBatch, in name: LaneKey) {
        lanes[name]!.hold(batch)
        noteInMemory(name)
    }

    /// One more batch of lane `name` in memory.
    private mutating func noteInMemory(_ name: LaneKey) {
        inMemory += 1
        highWater.inMemory = max(highWater.inMemory, inMemory)
        highWater.laneInMemory = max(highWater.laneInMemory, lanes[name]!.held)
    }

    /// A batch of lane `name` left memory.
    private mutating func release(in name: LaneKey) {
        lanes[name]!.release()
        inMemory -= 1
    }

    /// Puts a batch at the end of lane `name`'s temporary file; false when it cannot be written.
    private mutating func spillOut(_ batch: PlannedBatch, to name: LaneKey) -> Bool {
        let wasEmpty = lanes[name]!.spilled == 0
        guard lanes[name]!.spillOut(batch, directory: temporaryDirectory) else { return false }
        if wasEmpty { spillingLanes += 1 }
        highWater.spilled += 1
        return true
    }

    /// Reads lanes' batches back from their files into memory while they have room, in order;
    /// nil, or why a file could not be read back.
    private mutating func readBack() -> String? {
        guard spillingLanes > 0 else { return nil }
        for step in 0..<laneOrder.count {
            let name = laneOrder[(nextLane + step) % laneOrder.count]
            guard lanes[name]!.spilled > 0, stoppedLanes[name] == nil else { continue }
            while lanes[name]!.spilled > 0, lanes[name]!.held < limits.laneReadAhead,
                inMemory < limits.maxInMemory || lanes[name]!.held < limits.laneFloor
            {
                do {
                    try lanes[name]!.readBack()
                } catch {
                    return "the temporary file of lane \(name)'s batches could not be read back: \(error)"
                }
                noteInMemory(name)
                if lanes[name]!.spilled == 0 { spillingLanes -= 1 }
            }
        }
        return nil
    }

    // MARK: Starting

    /// Starts whatever may start at `now` (up to `concurrency` on the wire, lanes in turn) and
    /// says which timers to set for what waits on time. Once the run is `stopped`, nothing starts.
    mutating func pump(now: Int64, stopped: Bool) -> Pass {
        var pass = Pass()
        if !stopped, let failure = readBack() {
            pass.readBackFailure = failure
            return pass
        }
        var startedAny = true
        while onWire < limits.concurrency, startedAny {
            startedAny = false
            for step in 0..<laneOrder.count {
                if onWire >= limits.concurrency { break }
                let name = laneOrder[(nextLane + step) % laneOrder.count]
                if let work = start(lane: name, now: now, stopped: stopped, wakes: &pass.wakes) {
                    pass.starts.append(work)
                    startedAny = true
                    nextLane = (nextLane + step + 1) % laneOrder.count
                    break
                }
            }
        }
        return pass
    }

    /// The lane's next attempt if it has one ready and its pace allows; otherwise, when it waits
    /// on time, a wake (unless an earlier one is set).
    private mutating func start(lane name: LaneKey, now: Int64, stopped: Bool, wakes: inout [Wake]) -> BatchAttempt? {
        var lane = lanes[name]!
        defer { lanes[name] = lane }
        guard !stopped else { return nil }
        var wake: Int64?
        var retryIndex: Int?
        if let index = lane.retries.indices.min(by: { lane.retries[$0].readyAt < lane.retries[$1].readyAt }) {
            if lane.retries[index].readyAt <= now {
                retryIndex = index
            } else {
                wake = lane.retries[index].readyAt
            }
        }
        let fresh = retryIndex == nil && lane.hasFresh && gate.canStart(lane.nextFresh.members)
        if retryIndex != nil || fresh {
            let delay = lane.pacer?.delay(now: now) ?? 0
            if delay > 0 {
                wake = min(wake ?? .max, now + delay)
            } else {
                let work: BatchAttempt
                if let retryIndex {
                    work = lane.retries.remove(at: retryIndex).work
                } else {
                    work = BatchAttempt(lane.popFresh())
                    gate.start(work.batch.members)
                }
                lane.pacer?.takeSend(now: now)
                onWire += 1
                count(work)
                return work
            }
        }
        if let wake, lane.wakeAt.map({ wake < $0 }) ?? true {
            lane.wakeAt = wake
            wakes.append(Wake(lane: name, at: wake))
        }
        return nil
    }

    /// A remote target's request counted as it leaves, per Region and, for an assumed role's
    /// lane, per account.
    /// `sign` -1 takes back the count of a try that never went on the wire (its target decided
    /// it without a request: ``AttemptStateMachine/Decision/sent``).
    private mutating func count(_ work: BatchAttempt, sign: Int = 1) {
        guard statistics != nil else { return }
        let first = work.attempt == 1 && work.round == 1
        if !first { statistics!.retries += sign }
        Self.tally(&statistics!.regions[work.batch.region, default: .init()], work, first: first, sign: sign)
        if statistics!.regions[work.batch.region] == RemoteStatistics.Region() {
            statistics!.regions[work.batch.region] = nil
        }
        if let account = work.batch.account {
            Self.tally(&statistics!.accounts[account, default: .init()], work, first: first, sign: sign)
            if statistics!.accounts[account] == RemoteStatistics.Region() { statistics!.accounts[account] = nil }
        }
    }

    /// One request of `work` in `figures` (`sign` -1: taken back): its findings on a first try,
    /// else a retry.
    private static func tally(_ figures: inout RemoteStatistics.Region, _ work: BatchAttempt, first: Bool, sign: Int) {
        figures.requests += sign
        if first { figures.findings += sign * work.batch.members.count } else { figures.retries += sign }
    }

    /// A timer set for `wake` fired: the lane may set another.
    mutating func woke(_ wake: Wake) {
        if lanes[wake.lane]?.wakeAt == wake.at { lanes[wake.lane]!.wakeAt = nil }
    }

    // MARK: Answers

    /// The attempt of `work` was decided (``AttemptStateMachine``) at `now`: its lane's pace
    /// hears what the answer said; a finished batch releases its findings and its memory (the
    /// caller journaled its outcomes first), a resend waits in its lane for its backoff, a
    /// stopped lane is emptied. Returns what batches that go no further decided, to journal.
    mutating func answered(
        _ work: BatchAttempt, _ decision: AttemptStateMachine.Decision, now: Int64, stopped: Bool
    ) -> [Decided] {
        let region = work.batch.lane
        if !decision.sent { count(work, sign: -1) }
        lanes[region]?.pacer?.record(decision.rate, now: now)
        if decision.rate == .throttled, statistics != nil {
            statistics!.throttled += 1
            statistics!.regions[work.batch.region, default: .init()].throttled += 1
            if let account = work.batch.account { statistics!.accounts[account, default: .init()].throttled += 1 }
        }
        onWire -= 1
        var decided: [Decided] = []
        switch decision.result {
        case .finished:
            gate.finish(work.batch.members)
            release(in: region)
            queued -= 1
        case .again(let next, let delay):
            if stopped || stoppedLanes[region] != nil {
                if let part = leave(next) { decided.append(part) }
            } else {
                lanes[region]!.retries.append(DispatchLane.Retry(work: next, readyAt: now + max(0, delay)))
            }
        case .stopped(let next, let why):
            if let part = leave(next) { decided.append(part) }
            if stoppedLanes[why.lane] == nil {
                stoppedLanes[why.lane] = why
                laneStops.append(why)
            }
            if lanes[why.lane] != nil { decided += empty(lane: why.lane) }
        }
        return decided
    }

    // MARK: Stopping

    /// The run stopped: every lane is emptied of what waits (attempts on the wire finish).
    mutating func stopRun() -> [Decided] {
        var decided: [Decided] = []
        for name in laneOrder { decided += empty(lane: name) }
        return decided
    }

    /// Takes every batch waiting in lane `name` out of it: fresh ones were never sent, resends
    /// leave what they decided.
    private mutating func empty(lane name: LaneKey) -> [Decided] {
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
    /// left for `--resume`.
    private mutating func leave(_ work: BatchAttempt) -> Decided? {
        gate.finish(work.batch.members)
        release(in: work.batch.lane)
        queued -= 1
        let parts = work.split()
        if let undecided = parts.undecided { leftover.unfinished.append(undecided) }
        return parts.decided
    }

    /// Every batch is done: the lanes' files are closed, and what was not sent is handed back
    /// (once).
    mutating func finish() -> DispatchLeftover {
        for name in laneOrder { lanes[name]!.closeSpill() }
        defer { leftover = DispatchLeftover() }
        return leftover
    }
}
