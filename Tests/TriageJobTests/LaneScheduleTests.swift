import Foundation
import Synchronization
import Testing
import TriageCore
import TriageTestSupport

@testable import TriageJob

/// The scheduler's decisions (``LaneSchedule``) as tables: which batch starts, which waits and
/// where, when a lane wants to be woken, and what stops leave — driven by hand, with the time
/// given, without a thread, a timer or a store.
@Suite struct LaneScheduleTests {
    static let update = CanonicalUpdate(FindingUpdate(workflowStatus: .resolved))

    /// A batch of `region` updating the findings `ids`, its members numbered from `sequence`.
    static func batch(_ region: String, _ ids: [String], sequence: Int = 0) -> PlannedBatch {
        PlannedBatch(
            update: update,
            members: ids.enumerated().map { offset, id in
                BatchMember(
                    sequence: sequence + offset, identifier: FindingIdentifier(id: id, productArn: "p-\(region)"),
                    source: SourceLocation(input: 0, line: sequence + offset + 1))
            },
            region: region)
    }

    /// What the pacers of a schedule were told, by Region.
    final class PaceLog: Sendable {
        let signals = Mutex<[String: [AttemptStateMachine.RateSignal]]>([:])
        let sends = Mutex<[String: Int]>([:])
    }

    /// A pace that allows a send every `spacing` ms (0: always), and logs what it hears.
    struct SpacedPacer: LanePacer {
        let region: String
        let spacing: Int64
        let log: PaceLog
        var last: Int64?

        func delay(now: Int64) -> Int64 { last.map { max(0, $0 + spacing - now) } ?? 0 }
        mutating func takeSend(now: Int64) {
            last = now
            log.sends.withLock { $0[region, default: 0] += 1 }
        }
        mutating func record(_ signal: AttemptStateMachine.RateSignal, now: Int64) {
            log.signals.withLock { $0[region, default: []].append(signal) }
        }
    }

    /// A schedule for `concurrency` attempts; `spacing` ms between two sends of a lane (by
    /// Region, 0 when not given); a remote endpoint unless `store`.
    static func schedule(
        concurrency: Int, spacing: [String: Int64] = [:], log: PaceLog = PaceLog(), store: Bool = false,
        directory: String = NSTemporaryDirectory()
    ) -> LaneSchedule {
        LaneSchedule(
            limits: LaneSchedule.Limits(concurrency: concurrency), temporaryDirectory: directory,
            endpoint: store ? nil : "test",
            pacer: { lane, _ in SpacedPacer(region: lane.region, spacing: spacing[lane.region] ?? 0, log: log) })
    }

    /// Hands `batch` over and admits it.
    static func admit(_ batch: PlannedBatch, to schedule: inout LaneSchedule, now: Int64 = 0, stopped: Bool = false)
        -> LaneSchedule.Admission
    {
        schedule.handOver(batch, now: now)
        return schedule.admit(batch, stopped: stopped)
    }

    /// The first member's sequence of each attempt started.
    static func firsts(_ pass: LaneSchedule.Pass) -> [Int] { pass.starts.map { $0.batch.members[0].sequence } }

    static func finished(_ work: BatchAttempt) -> AttemptStateMachine.Decision {
        AttemptStateMachine.Decision(
            result: .finished(work.batch.members.map { _ in .processed }), rate: .answered)
    }

    // MARK: Starting

    /// Fresh batches start first in, first out, up to `concurrency` at once; a finished one frees
    /// its slot for the next.
    @Test func freshBatchesStartInOrderUpToTheConcurrency() {
        var schedule = Self.schedule(concurrency: 2)
        for index in 0..<4 {
            #expect(Self.admit(Self.batch("r", ["f\(index)"], sequence: index), to: &schedule) == .held)
        }
        let first = schedule.pump(now: 0, stopped: false)
        #expect(Self.firsts(first) == [0, 1])
        #expect(Self.firsts(schedule.pump(now: 0, stopped: false)).isEmpty, "more than concurrency started")
        #expect(schedule.answered(first.starts[0], Self.finished(first.starts[0]), now: 1, stopped: false).isEmpty)
        #expect(Self.firsts(schedule.pump(now: 1, stopped: false)) == [2])
        #expect(schedule.onWire == 2 && schedule.queued == 3)
    }

    /// A batch that shares a finding with one in flight waits (it and every later batch of its
    /// lane: order is kept) until the earlier one has its outcome.
    @Test func aBatchWaitsForAnEarlierOneWithTheSameFinding() {
        var schedule = Self.schedule(concurrency: 4)
        _ = Self.admit(Self.batch("r", ["a", "b"], sequence: 0), to: &schedule)
        _ = Self.admit(Self.batch("r", ["b", "c"], sequence: 2), to: &schedule)
        _ = Self.admit(Self.batch("r", ["d"], sequence: 4), to: &schedule)
        let first = schedule.pump(now: 0, stopped: false)
        #expect(Self.firsts(first) == [0])
        _ = schedule.answered(first.starts[0], Self.finished(first.starts[0]), now: 1, stopped: false)
        #expect(Self.firsts(schedule.pump(now: 1, stopped: false)) == [2, 4])
    }

    /// Slots go to the lanes in turn: a lane with many batches does not take them all.
    @Test func lanesTakeSlotsInTurn() {
        var schedule = Self.schedule(concurrency: 2)
        for index in 0..<3 { _ = Self.admit(Self.batch("a", ["a\(index)"], sequence: index), to: &schedule) }
        _ = Self.admit(Self.batch("b", ["b0"], sequence: 10), to: &schedule)
        let pass = schedule.pump(now: 0, stopped: false)
        #expect(pass.starts.map(\.batch.region).sorted() == ["a", "b"])
    }

    /// A lane that waits for its pace takes no slot (another lane's batch takes it) and asks to be
    /// woken when it may send; once woken at that time it sends.
    @Test func aLaneWaitingForItsPaceHoldsNoSlotAndAsksToBeWoken() {
        let log = PaceLog()
        var schedule = Self.schedule(concurrency: 1, spacing: ["slow": 100], log: log)
        _ = Self.admit(Self.batch("slow", ["s0"], sequence: 0), to: &schedule)
        _ = Self.admit(Self.batch("slow", ["s1"], sequence: 1), to: &schedule)
        _ = Self.admit(Self.batch("fast", ["f0"], sequence: 2), to: &schedule)
        var pass = schedule.pump(now: 0, stopped: false)
        #expect(Self.firsts(pass) == [0])
        _ = schedule.answered(pass.starts[0], Self.finished(pass.starts[0]), now: 10, stopped: false)
        pass = schedule.pump(now: 10, stopped: false)
        #expect(Self.firsts(pass) == [2], "the paced lane kept the slot from the other")
        _ = schedule.answered(pass.starts[0], Self.finished(pass.starts[0]), now: 20, stopped: false)
        pass = schedule.pump(now: 20, stopped: false)
        #expect(pass.starts.isEmpty && pass.wakes == [LaneSchedule.Wake(lane: "slow", at: 100)])
        pass = schedule.pump(now: 30, stopped: false)
        #expect(pass.starts.isEmpty && pass.wakes.isEmpty, "a second timer for the same wake")
        schedule.woke(LaneSchedule.Wake(lane: "slow", at: 100))
        #expect(Self.firsts(schedule.pump(now: 100, stopped: false)) == [1])
        #expect(log.sends.withLock { $0 } == ["slow": 2, "fast": 1])
    }

    // MARK: Answers

    /// A resend waits for its backoff without a slot, then goes before fresh batches.
    @Test func aResendWaitsForItsBackoffThenGoesFirst() {
        var schedule = Self.schedule(concurrency: 1)
        _ = Self.admit(Self.batch("r", ["a"], sequence: 0), to: &schedule)
        _ = Self.admit(Self.batch("r", ["b"], sequence: 1), to: &schedule)
        var pass = schedule.pump(now: 0, stopped: false)
        var next = pass.starts[0]
        next.attempt += 1
        let again = AttemptStateMachine.Decision(result: .again(next, afterMilliseconds: 50), rate: .answered)
        #expect(schedule.answered(pass.starts[0], again, now: 10, stopped: false).isEmpty)
        pass = schedule.pump(now: 10, stopped: false)
        #expect(Self.firsts(pass) == [1], "the free slot was not used while the resend waited")
        _ = schedule.answered(pass.starts[0], Self.finished(pass.starts[0]), now: 20, stopped: false)
        pass = schedule.pump(now: 20, stopped: false)
        #expect(pass.starts.isEmpty && pass.wakes == [LaneSchedule.Wake(lane: "r", at: 60)])
        schedule.woke(LaneSchedule.Wake(lane: "r", at: 60))
        pass = schedule.pump(now: 60, stopped: false)
        #expect(pass.starts.map(\.attempt) == [2])
    }

    /// Each answer's rate signal reaches its lane's pace; a remote target's requests, first tries,
    /// retries and throttles are counted per Region; the store counts nothing.
    @Test(arguments: [false, true])
    func answersReachThePaceAndTheCounts(store: Bool) {
        let log = PaceLog()
        var schedule = Self.schedule(concurrency: 1, log: log, store: store)
        _ = Self.admit(Self.batch("r", ["a", "b"]), to: &schedule)
        var pass = schedule.pump(now: 0, stopped: false)
        var next = pass.starts[0]
        next.attempt += 1
        _ = schedule.answered(
            pass.starts[0], .init(result: .again(next, afterMilliseconds: 0), rate: .throttled), now: 1, stopped: false)
        pass = schedule.pump(now: 1, stopped: false)
        _ = schedule.answered(pass.starts[0], Self.finished(pass.starts[0]), now: 2, stopped: false)
        #expect(log.signals.withLock { $0 } == ["r": [.throttled, .answered]])
        #expect(schedule.isIdle)
        if store {
            #expect(schedule.statistics == nil)
        } else {
            var expected = RemoteStatistics(endpoint: "test")
            expected.retries = 1
            expected.throttled = 1
            expected.regions["r"] = .init(requests: 2, throttled: 1, findings: 2, retries: 1)
            #expect(schedule.statistics == expected)
        }
    }

    // MARK: Stops

    /// A stopped lane: what it decided is handed back to journal, its undecided members and its
    /// unsent batches are left for --resume, its later batches are refused; other lanes go on.
    @Test func aStoppedLaneIsEmptiedAndRefusesMore() {
        var schedule = Self.schedule(concurrency: 2)
        _ = Self.admit(Self.batch("a", ["a0", "a1"], sequence: 0), to: &schedule)
        _ = Self.admit(Self.batch("a", ["a2"], sequence: 2), to: &schedule)
        _ = Self.admit(Self.batch("b", ["b0"], sequence: 3), to: &schedule)
        let pass = schedule.pump(now: 0, stopped: false)
        let sent = pass.starts.first { $0.batch.region == "a" }!
        var left = sent
        left.outcomes[0] = .processed
        let stop = LaneStop(region: "a", cause: .credentialsRefused, code: "Refused", message: "no")
        let decided = schedule.answered(sent, .init(result: .stopped(left, stop), rate: .none), now: 1, stopped: false)
        #expect(decided.map { $0.batch.members.map { $0.sequence } } == [[0]])
        #expect(decided.map { $0.outcomes } == [[Outcome.processed]])
        #expect(schedule.laneStops == [stop])
        #expect(Self.admit(Self.batch("a", ["a3"], sequence: 4), to: &schedule) == .refused)
        #expect(Self.admit(Self.batch("b", ["b1"], sequence: 5), to: &schedule) == .held)
        let other = pass.starts.first { $0.batch.region == "b" }!
        _ = schedule.answered(other, Self.finished(other), now: 2, stopped: false)
        let rest = schedule.pump(now: 2, stopped: false)
        #expect(Self.firsts(rest) == [5])
        _ = schedule.answered(rest.starts[0], Self.finished(rest.starts[0]), now: 3, stopped: false)
        #expect(schedule.isIdle)
        let leftover = schedule.finish()
        #expect(leftover.neverSentBatches == 1 && leftover.neverSentRecords == [0: 1])
        #expect(leftover.unfinished.map { $0.members.map(\.sequence) } == [[1]])
    }

    /// A stopped run: nothing starts, what waits is dropped (a resend's decided members to
    /// journal, its undecided ones and the unsent batches for --resume), the attempt on the wire
    /// finishes, and a resend it asks for is not sent.
    @Test func aStoppedRunSendsNothingMore() {
        var schedule = Self.schedule(concurrency: 2)
        _ = Self.admit(Self.batch("r", ["a", "b"], sequence: 0), to: &schedule)
        _ = Self.admit(Self.batch("r", ["c"], sequence: 2), to: &schedule)
        _ = Self.admit(Self.batch("r", ["d"], sequence: 3), to: &schedule)
        let pass = schedule.pump(now: 0, stopped: false)
        #expect(Self.firsts(pass) == [0, 2])
        var resend = pass.starts[0]
        resend.outcomes[0] = .processed
        resend.round += 1
        _ = schedule.answered(
            pass.starts[0], .init(result: .again(resend, afterMilliseconds: 1_000), rate: .answered), now: 1,
            stopped: false)
        let decided = schedule.stopRun()
        #expect(decided.map { $0.batch.members.map { $0.sequence } } == [[0]])
        #expect(Self.admit(Self.batch("r", ["e"], sequence: 4), to: &schedule, stopped: true) == .refused)
        #expect(schedule.pump(now: 5_000, stopped: true).starts.isEmpty)
        var late = pass.starts[1]
        late.attempt += 1
        let lateDecided = schedule.answered(
            pass.starts[1], .init(result: .again(late, afterMilliseconds: 0), rate: .none), now: 2, stopped: true)
        #expect(lateDecided.isEmpty)
        #expect(schedule.isIdle)
        let leftover = schedule.finish()
        #expect(leftover.neverSentBatches == 1)
        #expect(leftover.unfinished.map { $0.members.map(\.sequence) }.sorted { $0[0] < $1[0] } == [[1], [2]])
    }

    // MARK: Read-ahead

    /// One lane: the planning thread waits (`.full`) once the lane holds its read-ahead, and reads
    /// on as batches leave.
    @Test func aSingleLaneWaitsAtItsReadAhead() {
        var schedule = Self.schedule(concurrency: 1, store: true)
        let readAhead = schedule.limits.laneReadAhead
        for index in 0..<readAhead {
            #expect(Self.admit(Self.batch("", ["f\(index)"], sequence: index), to: &schedule) == .held)
        }
        let extra = Self.batch("", ["x"], sequence: readAhead)
        schedule.handOver(extra, now: 0)
        #expect(schedule.admit(extra, stopped: false) == .full)
        let pass = schedule.pump(now: 0, stopped: false)
        _ = schedule.answered(pass.starts[0], Self.finished(pass.starts[0]), now: 1, stopped: false)
        #expect(schedule.admit(extra, stopped: false) == .held)
    }

    /// A lane that sends nothing does not hold the others back: once it has its read-ahead in
    /// memory its batches go to its file while another lane fed lately wants more, and they come
    /// back in order as it sends.
    @Test func aLaneThatSendsNothingSpillsAndReadsBackInOrder() throws {
        let directory = TestPaths.temporaryDirectory("lane-schedule-spill")
        defer { try? FileManager.default.removeItem(at: directory) }
        var schedule = Self.schedule(concurrency: 1, spacing: ["held": 1_000_000], directory: directory.path)
        let readAhead = schedule.limits.laneReadAhead
        var sequence = 0
        var admissions: [LaneSchedule.Admission] = []
        for _ in 0..<(readAhead + 10) {
            admissions.append(Self.admit(Self.batch("held", ["h\(sequence)"], sequence: sequence), to: &schedule))
            sequence += 1
            #expect(Self.admit(Self.batch("free", ["f\(sequence)"], sequence: sequence), to: &schedule) != .full)
            sequence += 1
            let pass = schedule.pump(now: 0, stopped: false)
            for work in pass.starts { _ = schedule.answered(work, Self.finished(work), now: 0, stopped: false) }
        }
        // The held lane sent its first batch at once; `readAhead` wait in memory, the last 9 in its file.
        #expect(admissions.filter { $0 == .spilled }.count == 9)
        #expect(schedule.highWater.spilled == 9 && schedule.highWater.laneInMemory <= readAhead)
        var order: [Int] = []
        var now: Int64 = 1_000_000
        while !schedule.isIdle {
            let pass = schedule.pump(now: now, stopped: false)
            #expect(pass.readBackFailure == nil)
            for work in pass.starts {
                if work.batch.region == "held" { order.append(work.batch.members[0].sequence) }
                _ = schedule.answered(work, Self.finished(work), now: now, stopped: false)
            }
            now += 1_000_000
            if order.count > 2 * readAhead + 20 { break }
        }
        #expect(order == order.sorted() && order.count == readAhead + 9, "the held lane's batches left out of order")
        _ = schedule.finish()
    }
}
