import Dispatch
import Foundation
import TriageCore

/// The one scheduler of `apply`, for every target: the thin thread-and-timer shell around a
/// ``LaneSchedule`` (which decides what starts, what waits and where) and the target's
/// ``AttemptStateMachine`` (which decides what an answer means).
///
/// An attempt's life: ``LaneSchedule/pump(now:stopped:)`` starts it (a slot free, its lane's pace
/// allowing, none of its findings in flight); ``run(_:)`` journals a first try as sent and hands
/// it to the target on `queue`; the target's completion comes on any thread and is handled on
/// `queue` by ``answered(_:_:)``: the machine decides, a finished batch's outcomes are journaled
/// (durable before its findings are released, so a later batch for one of them starts only after
/// this one is recorded), and the schedule takes the decision and starts what may start now.
/// Waiting is a timer, never a thread, and so is an attempt on the wire: a slot holds no thread,
/// so `--concurrency` requests are on the wire however few threads Dispatch runs. The store's
/// attempts finish on the thread that runs them (``ImmediateBatchTarget``).
///
/// Stopping the run (a signal, a journal that cannot be written): nothing more starts; what
/// waits in the lanes is dropped (``LaneSchedule/stopRun()``); attempts on the wire get
/// ``stopGraceMilliseconds`` to be answered, then the target cuts them off. ``waitForAll()``
/// hands back what was not decided, for `--resume`.
///
/// `@unchecked Sendable`: `schedule` is guarded by `condition`.
final class LaneDispatcher: @unchecked Sendable {
    private let target: BatchTarget
    private let machine: AttemptStateMachine
    private let ledger: ApplyLedger
    private let stop: StopSignal
    private let clock: JobClock
    private let progress: ProgressLine?
    private let queue = DispatchQueue(label: "triage.apply", attributes: .concurrent)
    private let condition = NSCondition()
    private var schedule: LaneSchedule

    init(
        target: BatchTarget, ledger: ApplyLedger, concurrency: Int, stop: StopSignal, clock: JobClock = .system,
        temporaryDirectory: String = "/tmp", progress: ProgressLine? = nil
    ) {
        self.target = target
        self.machine = AttemptStateMachine(policy: target.retryPolicy)
        self.ledger = ledger
        self.stop = stop
        self.clock = clock
        self.progress = progress
        schedule = LaneSchedule(
            limits: LaneSchedule.Limits(concurrency: concurrency), temporaryDirectory: temporaryDirectory,
            endpoint: target.endpointLabel, pacer: { [target] lane, now in target.pacer(for: lane, now: now) }
        )
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

    /// Batches in memory, all lanes together (``LaneSchedule/Limits``).
    var maxInMemory: Int { schedule.limits.maxInMemory }
    /// Batches one lane keeps waiting or running.
    var laneReadAhead: Int { schedule.limits.laneReadAhead }
    /// Batches a lane may hold in memory even when all lanes together hold `maxInMemory`.
    static let laneFloor = LaneSchedule.Limits(concurrency: 1).laneFloor

    /// The lanes that stopped because the target failed them, in order (exit status 5).
    var laneStops: [LaneStop] { locked { $0.laneStops } }

    /// Requests, retries and throttles per Region so far; nil for the store.
    var remoteStatistics: RemoteStatistics? { locked { $0.statistics } }

    /// Why batches set aside in a temporary file could not be read back (the run stopped).
    private var readBackFailure: String?
    var readAheadFailure: String? { locked { _ in readBackFailure } }

    /// The most batches held in memory so far (all lanes, and any one lane), and how many were put
    /// in temporary files (for tests).
    var highWater: (inMemory: Int, laneInMemory: Int, spilled: Int) { locked { $0.highWater } }

    private func locked<T>(_ body: (LaneSchedule) -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body(schedule)
    }

    /// Queues `batch` in its lane, blocking the planning thread only while every lane fed lately
    /// has its read-ahead; false (nothing sent) once the run, `stop` or the batch's lane stopped.
    @discardableResult
    func submit(_ batch: PlannedBatch, unlessStopped stop: StopSignal?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        schedule.handOver(batch, now: clock.monotonicMilliseconds())
        while true {
            switch schedule.admit(batch, stopped: self.stop.isRequested || stop?.isRequested == true) {
            case .refused:
                return false
            case .held, .spilled:
                pump()
                return true
            case .full:
                // Woken by every batch that leaves memory and by a stop.
                condition.wait()
            }
        }
    }

    /// Waits until every batch admitted has finished or gone no further; returns what was left
    /// unsent (a stop).
    func waitForAll() -> DispatchLeftover {
        condition.lock()
        defer { condition.unlock() }
        // Woken by every finished batch and by a stop (which empties the lanes).
        while !schedule.isIdle { condition.wait() }
        return schedule.finish()
    }

    /// Starts what may start now and sets the timers the schedule asks for. Caller holds the lock.
    private func pump() {
        let now = clock.monotonicMilliseconds()
        let pass = schedule.pump(now: now, stopped: stop.isRequested)
        if let failure = pass.readBackFailure {
            readBackFailure = failure
            // The stop empties the lanes (on the queue): the file's batches are left for --resume.
            stop.request(.spoolFailed)
        }
        for work in pass.starts { queue.async { [self] in run(work) } }
        for wake in pass.wakes {
            queue.asyncAfter(deadline: .now() + .milliseconds(Int(max(1, wake.at - now)))) { [self] in
                condition.lock()
                schedule.woke(wake)
                pump()
                condition.unlock()
            }
        }
    }

    /// Sends one attempt; its answer, on whatever thread it comes, is handled on `queue`.
    private func run(_ work: BatchAttempt) {
        // Journaled as it leaves: a resumed run's `requests` stays exact after a kill.
        if work.attempt == 1 && work.round == 1 { ledger.noteSent() }
        target.attempt(work) { [self] answer in
            queue.async { [self] in answered(work, answer) }
        }
    }

    /// What the answer means (the machine's), journaled, and the slot it held free for the next.
    private func answered(_ work: BatchAttempt, _ answer: AttemptAnswer) {
        let decision = machine.decide(work, answer: answer) { [machine] after in
            var random = SystemRandomNumberGenerator()
            return machine.policy.backoff(afterAttempt: after, random: &random)
        }
        if case .finished(let outcomes) = decision.result {
            // Durable in the journal before the batch's findings are released.
            ledger.finish(work.batch, outcomes: outcomes)
            progress?.batchesDone.add(1, ordering: .relaxed)
        }
        condition.lock()
        let decided = schedule.answered(
            work, decision, now: clock.monotonicMilliseconds(), stopped: stop.isRequested)
        pump()
        condition.broadcast()
        condition.unlock()
        record(decided)
    }

    /// The run stopped: every lane is emptied of what waits; requests on the wire get their grace.
    private func runStopped() {
        target.interruptRequests(afterMilliseconds: Self.stopGraceMilliseconds)
        condition.lock()
        let decided = schedule.stopRun()
        condition.broadcast()
        condition.unlock()
        record(decided)
    }

    /// Journals what batches that went no further decided (outside the lock: it syncs).
    private func record(_ decided: [LaneSchedule.Decided]) {
        for part in decided { ledger.finish(part.batch, outcomes: part.outcomes) }
    }
}
