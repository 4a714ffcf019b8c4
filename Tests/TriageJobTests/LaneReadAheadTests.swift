import Foundation
import Synchronization
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

@testable import TriageJob

/// Each Region's lane has its own read-ahead: a Region that sends nothing (its rate allows no
/// request, or every request is throttled) never holds back the others, however far beyond the
/// read-ahead the input interleaves it with them; its batches wait in a temporary file, memory
/// stays bounded, they leave in order once it sends again, and a stop leaves them for `--resume`.
@Suite struct LaneReadAheadTests {
    static let held = "r-held"
    static let regions = [held, "r-b", "r-c", "r-d"]
    static let perRegion = 400
    static let findingsPerRegion = 150

    /// `perRegion` decisions per Region, the Regions in turn; each Region's findings repeat (a
    /// finding's decisions must be applied in input order).
    static func decisions() -> String {
        let statuses = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"]
        return (0..<perRegion * regions.count).map { index in
            let region = regions[index % regions.count]
            let finding = (index / regions.count * 7) % findingsPerRegion
            return #"{"Id":"f-\#(finding)","ProductArn":"arn:aws:securityhub:\#(region)::product/p","#
                + #""Workflow":{"Status":"\#(statuses[index % statuses.count])"}}"#
        }.joined(separator: "\n") + "\n"
    }

    static func configuration(_ directory: URL, _ target: HeldRegionTarget) throws -> RunConfiguration {
        let input = directory.appendingPathComponent("decisions.ndjson")
        if !FileManager.default.fileExists(atPath: input.path) {
            try decisions().write(to: input, atomically: true, encoding: .utf8)
        }
        var configuration = RunConfiguration(inputs: [input.path])
        configuration.dryRun = false
        configuration.target = target
        configuration.routing = RegionOfProductArn()
        configuration.concurrency = 4
        configuration.batchSize = 1
        configuration.keyOrderWindow = 0
        configuration.temporaryDirectory = directory.path
        configuration.journalPath = directory.appendingPathComponent("run.journal").path
        return configuration
    }

    /// A job run on a thread of its own, so that the test can wait for it with a deadline.
    final class JobThread: Sendable {
        let ended = DispatchSemaphore(value: 0)
        private let outcome = Mutex<RunResult?>(nil)

        init(_ job: DecisionJob) {
            Thread.detachNewThread { [self] in
                let result = try? job.run()
                outcome.withLock { $0 = result }
                ended.signal()
            }
        }

        var result: RunResult? { outcome.withLock { $0 } }
    }

    static func start(_ job: DecisionJob) -> JobThread { JobThread(job) }

    /// The other Regions' records all finish while the held Region's are still held (it used to
    /// wait forever: the held Region's batches filled the shared read-ahead and the planning
    /// thread stopped reading); then the held Region finishes, every finding in input order.
    @Test(arguments: [HeldRegionTarget.Hold.rate, .throttled])
    func aHeldRegionNeverHoldsBackTheOthers(hold: HeldRegionTarget.Hold) throws {
        let directory = TestPaths.temporaryDirectory("lane-read-ahead")
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = HeldRegionTarget(hold: hold, othersExpected: 3 * Self.perRegion)
        let run = Self.start(DecisionJob(configuration: try Self.configuration(directory, target)))
        let othersFinished = target.othersDone.wait(timeout: .now() + 30) == .success
        #expect(othersFinished, "the other Regions did not finish while one Region was held")
        #expect(target.finished(in: Self.held) == 0)
        target.release()
        try #require(run.ended.wait(timeout: .now() + 60) == .success, "the run did not end")
        let result = try #require(run.result)
        #expect(result.records == Self.perRegion * Self.regions.count)
        #expect(result.processed == result.records && result.remaining == 0 && result.stop == nil)
        #expect(target.outOfOrder.load(ordering: .relaxed) == 0, "a finding's decisions were applied out of order")
        #expect(target.finished(in: Self.held) == Self.perRegion)
        // The lane's temporary file was unlinked as soon as it was open.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(!left.contains { $0.hasPrefix("triage-lane") }, "\(left)")
    }

    /// Many held Regions and two that send: every lane holds at most its read-ahead in memory,
    /// all lanes together at most `maxInMemory` plus each lane's floor; the rest waits in the
    /// files; the sending Regions finish while the others are held; afterwards every batch is sent
    /// once, each lane's in the order it was handed over.
    @Test func spillingKeepsMemoryBounded() throws {
        let directory = TestPaths.temporaryDirectory("lane-memory")
        defer { try? FileManager.default.removeItem(at: directory) }
        let heldRegions = (0..<10).map { "h\($0)" }
        let regions = heldRegions + ["f0", "f1"]
        let perRegion = 120
        let target = HeldRegionTarget(hold: .rate, heldRegions: Set(heldRegions), othersExpected: 2 * perRegion)
        let stop = StopSignal()
        let ledger = ApplyLedger(journal: nil, stop: stop)
        let dispatcher = LaneDispatcher(
            // One request at a time: requests start on a concurrent queue, so with more the target
            // could see two of a lane's requests in either order; with one, the order it sees is the
            // order the lane sent them (the read-ahead is the same: it has a floor of 32 batches).
            target: target, ledger: ledger, concurrency: 1, stop: stop, temporaryDirectory: directory.path)
        let update = CanonicalUpdate(FindingUpdate(workflowStatus: .resolved))
        let submitted = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for index in 0..<(perRegion * regions.count) {
                let region = regions[index % regions.count]
                let member = BatchMember(
                    sequence: index, identifier: FindingIdentifier(id: "f-\(index)", productArn: "p-\(region)"),
                    source: SourceLocation(input: 0, line: index + 1))
                dispatcher.submit(PlannedBatch(update: update, members: [member], region: region), unlessStopped: nil)
            }
            submitted.signal()
        }
        #expect(target.othersDone.wait(timeout: .now() + 30) == .success, "the sending Regions were held back")
        #expect(submitted.wait(timeout: .now() + 30) == .success, "the planning thread was held back")
        let kept = dispatcher.highWater
        #expect(kept.laneInMemory <= dispatcher.laneReadAhead)
        #expect(kept.inMemory <= dispatcher.maxInMemory + LaneDispatcher.laneFloor * regions.count)
        #expect(kept.inMemory >= dispatcher.maxInMemory, "the test never filled memory")
        #expect(kept.spilled >= heldRegions.count * (perRegion - dispatcher.laneReadAhead))
        target.release()
        let leftover = dispatcher.waitForAll()
        #expect(leftover.neverSentBatches == 0 && leftover.unfinished.isEmpty)
        let started = target.firstAttempts
        #expect(started.count == perRegion * regions.count)
        for region in regions {
            let order = started.filter { $0.region == region }.map(\.sequence)
            #expect(order == order.sorted(), "lane \(region) sent its batches out of order")
        }
    }

    /// A stop while the held Region's batches wait in its file: they are never sent and count as
    /// `remaining`, exactly; `--resume` sends them and nothing else.
    @Test func aStopLeavesTheSpilledBatchesForResume() throws {
        let directory = TestPaths.temporaryDirectory("lane-spill-stop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = HeldRegionTarget(hold: .rate, othersExpected: 3 * Self.perRegion)
        let job = DecisionJob(configuration: try Self.configuration(directory, target))
        let run = Self.start(job)
        try #require(target.othersDone.wait(timeout: .now() + 30) == .success, "the other Regions did not finish")
        job.requestStop()
        try #require(run.ended.wait(timeout: .now() + 30) == .success, "the run did not end after the stop")
        let first = try #require(run.result)
        #expect(first.stop == .signal)
        #expect(first.records == 3 * Self.perRegion && first.remaining == Self.perRegion)
        #expect(target.finished(in: Self.held) == 0)

        let again = HeldRegionTarget(hold: .none, othersExpected: 0)
        var configuration = try Self.configuration(directory, again)
        configuration.resume = true
        let second = try DecisionJob(configuration: configuration).run()
        #expect(second.stop == nil && second.remaining == 0)
        #expect(second.records == Self.perRegion * Self.regions.count)
        #expect(again.finished(in: Self.held) == Self.perRegion)
        #expect(again.firstAttempts.allSatisfy { $0.region == Self.held }, "--resume sent a record twice")
    }

    /// The held Region's lane stops (its requests refused once it sends) while most of its batches
    /// wait in its file: the other Regions are done, its records stay `remaining` (not failed),
    /// and `--resume` applies them.
    @Test func aLaneThatStopsLeavesItsSpilledBatchesForResume() throws {
        let directory = TestPaths.temporaryDirectory("lane-spill-lane-stop")
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = HeldRegionTarget(hold: .rate, othersExpected: 3 * Self.perRegion, refuseOnRelease: true)
        let run = Self.start(DecisionJob(configuration: try Self.configuration(directory, target)))
        try #require(target.othersDone.wait(timeout: .now() + 30) == .success, "the other Regions did not finish")
        target.release()
        try #require(run.ended.wait(timeout: .now() + 30) == .success, "the run did not end")
        let first = try #require(run.result)
        #expect(first.stop == .targetFailed)
        #expect(first.targetStops.map(\.region) == [Self.held])
        #expect(first.records == 3 * Self.perRegion && first.remaining == Self.perRegion)
        #expect(first.failed == 0)

        let again = HeldRegionTarget(hold: .none, othersExpected: 0)
        var configuration = try Self.configuration(directory, again)
        configuration.resume = true
        let second = try DecisionJob(configuration: configuration).run()
        #expect(second.stop == nil && second.remaining == 0)
        #expect(again.finished(in: Self.held) == Self.perRegion)
        #expect(again.firstAttempts.allSatisfy { $0.region == Self.held })
    }
}

/// The Region field of the `ProductArn` (`arn:aws:securityhub:REGION::product/...`).
struct RegionOfProductArn: BatchRouting {
    func region(of identifier: FindingIdentifier) -> Result<String, CoreError> {
        let fields = identifier.productArn.split(separator: ":", omittingEmptySubsequences: false)
        return fields.count > 3 ? .success(String(fields[3])) : .failure(.unroutable("no Region"))
    }
}

/// A remote target that processes every record at once, except in the held Regions until
/// ``release()``: there, with `.rate`, the Region's rate allows no request (as when another
/// client empties its bucket); with `.throttled`, every request is answered "throttled, try again
/// in 20 ms". Records each finding's decisions as applied, to find one applied out of order.
final class HeldRegionTarget: BatchTarget, @unchecked Sendable {
    enum Hold: Sendable {
        case none, rate, throttled
    }

    let name = "held"
    let defaultConcurrency = 4
    private let hold: Hold
    private let heldRegions: Set<String>
    private let refuseOnRelease: Bool
    private let released = Atomic<Bool>(false)
    private let othersExpected: Int
    /// Signalled once every record of the other Regions has its outcome.
    let othersDone = DispatchSemaphore(value: 0)
    private struct State {
        var finished: [String: Int] = [:]
        var othersFinished = 0
        var lastSequence: [FindingIdentifier: Int] = [:]
        var firstAttempts: [(region: String, sequence: Int)] = []
    }
    private let state = Mutex(State())
    let outOfOrder = Atomic<Int>(0)

    init(
        hold: Hold, heldRegions: Set<String> = [LaneReadAheadTests.held], othersExpected: Int,
        refuseOnRelease: Bool = false
    ) {
        self.hold = hold
        self.heldRegions = heldRegions
        self.othersExpected = othersExpected
        self.refuseOnRelease = refuseOnRelease
    }

    func release() { released.store(true, ordering: .relaxed) }

    func finished(in region: String) -> Int { state.withLock { $0.finished[region, default: 0] } }

    /// The first member's sequence of each batch at its first attempt, in the order sent.
    var firstAttempts: [(region: String, sequence: Int)] { state.withLock { $0.firstAttempts } }

    fileprivate func isHeld(_ region: String) -> Bool {
        hold != .none && heldRegions.contains(region) && !released.load(ordering: .relaxed)
    }

    /// Held throttled Regions are tried again every 20 ms, for as long as they are held.
    var retryPolicy: RetryPolicy { RetryPolicy(maxAttempts: .max, backoffBase: 20, backoffCap: 20) }

    /// With `.rate`, a held Region's pace allows no request until ``release()``.
    func pacer(for lane: LaneKey, now: Int64) -> (any LanePacer)? {
        hold == .rate ? HeldPacer(target: self, region: lane.region) : nil
    }

    func syncApplied() throws(CoreError) {}

    func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (AttemptAnswer) -> Void) {
        let region = work.batch.region
        if work.attempt == 1, work.round == 1 {
            state.withLock { $0.firstAttempts.append((region, work.batch.members[0].sequence)) }
        }
        if isHeld(region) {
            completion(.error(status: 429, code: "TooManyRequestsException", message: "held"))
            return
        }
        if refuseOnRelease, heldRegions.contains(region) {
            completion(.noCredentials("no"))
            return
        }
        let outcomes = apply(work.batch)
        let done = state.withLock { state -> Bool in
            state.finished[region, default: 0] += outcomes.count
            guard !heldRegions.contains(region) else { return false }
            state.othersFinished += outcomes.count
            return state.othersFinished == othersExpected
        }
        if done { othersDone.signal() }
        completion(.decided(outcomes))
    }

    func apply(_ batch: PlannedBatch) -> [Outcome] {
        state.withLock { state in
            for member in batch.members {
                if let last = state.lastSequence[member.identifier], last > member.sequence {
                    outOfOrder.add(1, ordering: .relaxed)
                }
                state.lastSequence[member.identifier] = member.sequence
            }
        }
        return batch.members.map { _ in .processed }
    }
}

/// A held Region's pace under ``HeldRegionTarget/Hold/rate``: no send while it is held (as when
/// another client empties its bucket).
private struct HeldPacer: LanePacer {
    let target: HeldRegionTarget
    let region: String

    func delay(now: Int64) -> Int64 { target.isHeld(region) ? 20 : 0 }
    mutating func takeSend(now: Int64) {}
    mutating func record(_ signal: AttemptStateMachine.RateSignal, now: Int64) {}
}
