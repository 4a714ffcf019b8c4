import Foundation
import Synchronization
import Testing
import TriageCore
import TriageIO
import TriageJob
import TriageStore
import TriageTestSupport

/// The per-Region lanes of a remote target, with whole requests failing, answers lost after
/// applying, findings sent again and Regions waiting for their rate, still give the store and
/// the outcomes of applying the records one at a time in input order.
@Suite struct LaneDispatcherPropertyTests {
    /// (seed, concurrency, batch size, sort window: 0 = input order).
    @Test(arguments: [
        (UInt64(11), 1, 100, 0), (12, 8, 7, 0), (13, 3, 33, 0), (14, 16, 1, 0), (15, 8, 100, 0), (16, 8, 100, 64),
    ])
    func retriedBatchesInLanesEqualOneByOne(seed: UInt64, concurrency: Int, batchSize: Int, window: Int) throws {
        let world = try LaneWorld(seed: seed, label: "lanes")
        defer { world.remove() }
        let target = world.target(seed: seed)
        var configuration = world.configuration(target, concurrency, batchSize)
        configuration.keyOrderWindow = window
        configuration.journalPath = nil
        let result = try DecisionJob(configuration: configuration).run()
        #expect(target.mixedRegions.load(ordering: .relaxed) == 0, "a batch went to a Region not its findings'")
        #expect(result.records == world.lines.count)
        #expect(target.resends.load(ordering: .relaxed) > 0, "no failure was injected")
        try world.expectReference(report: configuration.reportPath!)
    }

    /// One Region's lane stops (the target fails it: credentials refused, endpoint down) after
    /// some requests, possibly in the middle of a batch's per-finding resends: the other Regions
    /// finish, the stopped Region's undecided records stay `remaining` (not failed), the run says
    /// `targetFailed`; `--resume` with a working target then gives the store and the outcomes of
    /// applying the records one by one.
    @Test(arguments: [(UInt64(21), 1, 100), (22, 8, 7), (23, 4, 33), (24, 16, 1)])
    func aStoppedLaneLeavesItsRecordsForResume(seed: UInt64, concurrency: Int, batchSize: Int) throws {
        let world = try LaneWorld(seed: seed, label: "lane-stop")
        defer { world.remove() }
        let failing = world.target(seed: seed, stopRegion: "r-b", stopAfter: 3)
        let first = try DecisionJob(configuration: world.configuration(failing, concurrency, batchSize)).run()
        #expect(first.stop == .targetFailed)
        #expect(first.targetStops.map(\.region) == ["r-b"])
        #expect(first.remaining > 0)
        #expect(first.records + first.remaining == world.lines.count)
        #expect(!first.errors.sorted.contains { $0.code == .serviceError }, "undecided records were failed")
        // Only the requests on the wire when the lane stopped may have gone there after it.
        #expect(failing.stopRegionAttempts.load(ordering: .relaxed) <= 3 + concurrency)

        var again = world.configuration(world.target(seed: seed), concurrency, batchSize)
        again.resume = true
        let second = try DecisionJob(configuration: again).run()
        #expect(second.stop == nil && second.remaining == 0)
        #expect(second.records == world.lines.count)
        try world.expectReference(report: again.reportPath!)
    }

    /// A stop (SIGINT/SIGTERM) at many points of a run with paced lanes, whole requests retried
    /// after a backoff and per-finding resends: the run ends once the requests on the wire are
    /// answered (batches waiting to be sent again are not sent), and `--resume` finishes it with
    /// the reference store and outcomes.
    @Test(arguments: [(UInt64(31), 1), (32, 2), (33, 5), (34, 9), (35, 17), (36, 40)])
    func aStopAtAnyPointIsResumedToTheReference(seed: UInt64, stopAtAttempt: Int) throws {
        let world = try LaneWorld(seed: seed, label: "lane-signal")
        defer { world.remove() }
        let target = world.target(seed: seed)
        let job = DecisionJob(configuration: world.configuration(target, 8, 10))
        target.onAttempt = { [target] number in
            guard number == stopAtAttempt else { return }
            target.stopRequested.store(true, ordering: .relaxed)
            job.requestStop()
        }
        let first = try job.run()
        #expect(first.stop == .signal)
        #expect(target.sentAfterStop.load(ordering: .relaxed) <= 8, "more than the requests in flight were sent")

        var again = world.configuration(world.target(seed: seed), 8, 10)
        again.resume = true
        let second = try DecisionJob(configuration: again).run()
        #expect(second.stop == nil && second.remaining == 0)
        try world.expectReference(report: again.reportPath!)
    }

    /// A stop while the planning thread waits for room (more batches queued than the read-ahead)
    /// and every lane waits for its rate, with nothing on the wire: the run still ends (it used
    /// to wait forever: nothing woke the planning thread).
    @Test func aStopWhileEveryLaneWaitsForItsRateEnds() throws {
        let world = try LaneWorld(seed: 41, label: "lane-paced")
        defer { world.remove() }
        let target = world.target(seed: 41, spacing: 40)
        let job = DecisionJob(configuration: world.configuration(target, 4, 1))
        target.onAttempt = { number in if number == 12 { job.requestStop() } }
        let ended = DispatchSemaphore(value: 0)
        let result = Mutex<RunResult?>(nil)
        Thread.detachNewThread {
            let outcome = try? job.run()
            result.withLock { $0 = outcome }
            ended.signal()
        }
        let finished = ended.wait(timeout: .now() + 60) == .success
        #expect(finished, "the run did not end after the stop")
        guard finished else { return }
        let run = try #require(result.withLock { $0 })
        #expect(run.stop == .signal)
        #expect(run.remaining > 1_000)
    }
}

/// Decisions over a small store, the reference (one by one, in input order) and runs of a
/// ``FlakyRemoteTarget`` over a copy of the store, journaled for `--resume`.
private struct LaneWorld {
    let directory: URL
    let data = SyntheticData(seed: 99, findingCount: OrderingPropertyTests.findingCount)
    let lines: [String]
    let input: String
    let referencePath: String
    let referenceReport: String
    let storePath: String

    init(seed: UInt64, label: String) throws {
        directory = TestPaths.temporaryDirectory(label)
        lines = OrderingPropertyTests.decisions(seed: seed, count: 1_500, data: data)
        input = directory.appendingPathComponent("decisions.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        referencePath = directory.appendingPathComponent("reference.sqlite").path
        referenceReport = directory.appendingPathComponent("reference.json").path
        try OrderingPropertyTests.makeStore(at: referencePath, data: data)
        var reference = RunConfiguration(inputs: [input])
        reference.dryRun = false
        reference.target = try StoreTarget(path: referencePath, clock: SystemClock.milliseconds)
        reference.concurrency = 1
        reference.batchSize = 1
        reference.keyOrderWindow = 0
        reference.reportPath = referenceReport
        _ = try DecisionJob(configuration: reference).run()
        storePath = directory.appendingPathComponent("store.sqlite").path
        try OrderingPropertyTests.makeStore(at: storePath, data: data)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    func target(seed: UInt64, stopRegion: String? = nil, stopAfter: Int = 0, spacing: Int64 = 0) -> FlakyRemoteTarget {
        // A store opened per run, on the one file.
        let store = try! StoreTarget(path: storePath, clock: SystemClock.milliseconds)
        return FlakyRemoteTarget(
            store: store, seed: seed, stopRegion: stopRegion, stopAfter: stopAfter, spacing: spacing)
    }

    func configuration(_ target: FlakyRemoteTarget, _ concurrency: Int, _ batchSize: Int) -> RunConfiguration {
        var configuration = RunConfiguration(inputs: [input])
        configuration.dryRun = false
        configuration.target = target
        configuration.routing = RegionByHash()
        configuration.concurrency = concurrency
        configuration.batchSize = batchSize
        configuration.keyOrderWindow = 0
        configuration.reportPath = directory.appendingPathComponent("report.json").path
        configuration.journalPath = directory.appendingPathComponent("run.journal").path
        return configuration
    }

    func expectReference(report: String) throws {
        #expect(try OrderingPropertyTests.outcomes(report) == OrderingPropertyTests.outcomes(referenceReport))
        #expect(try OrderingPropertyTests.exported(storePath) == OrderingPropertyTests.exported(referencePath))
    }
}

/// Three Regions, by the bytes of the finding's `ProductArn` (as the real Region comes from it).
private struct RegionByHash: BatchRouting {
    func region(of identifier: FindingIdentifier) -> Result<String, CoreError> {
        let sum = identifier.productArn.utf8.reduce(0) { $0 + Int($1) }
        return .success(["r-a", "r-b", "r-c"][sum % 3])
    }
}

/// A remote target over the store that fails on purpose: 20 % of requests fail whole (nothing
/// applied), 15 % are applied but answered for only some findings (the rest "lost": sent again),
/// and a Region sometimes makes a request wait for its rate. After four tries a request goes
/// through, so every record ends. With `stopRegion`, that Region's requests after the first
/// `stopAfter` stop its lane (nothing applied), as refused credentials would.
private final class FlakyRemoteTarget: BatchTarget, @unchecked Sendable {
    let name = "flaky"
    let defaultConcurrency = 8
    private let store: StoreTarget
    private let random: Mutex<SplitMix64>
    let resends = Atomic<Int>(0)
    /// Attempts whose batch holds a finding of another Region than the batch's.
    let mixedRegions = Atomic<Int>(0)
    private let stopRegion: String?
    private let stopAfter: Int
    private let attempts = Atomic<Int>(0)
    /// Requests sent to `stopRegion`.
    let stopRegionAttempts = Atomic<Int>(0)
    /// Set by a test when it asks the run to stop; requests sent after that are counted.
    let stopRequested = Atomic<Bool>(false)
    let sentAfterStop = Atomic<Int>(0)
    /// Called with each attempt's number (1-based) before it is answered; set before the run.
    var onAttempt: (@Sendable (Int) -> Void)?

    /// With `spacing` > 0, each Region sends at most one request every `spacing` ms (and the
    /// random waits are off).
    private let spacing: Int64
    private let lastSend = Mutex<[String: Int64]>([:])

    init(store: StoreTarget, seed: UInt64, stopRegion: String? = nil, stopAfter: Int = 0, spacing: Int64 = 0) {
        self.store = store
        random = Mutex(SplitMix64(state: seed))
        self.stopRegion = stopRegion
        self.stopAfter = stopAfter
        self.spacing = spacing
    }

    fileprivate func roll() -> Double {
        random.withLock { Double($0.next() % 10_000) / 10_000 }
    }

    func syncApplied() throws(CoreError) { try store.syncApplied() }

    /// Whole requests tried again after 1–3 ms (the real backoff is seconds).
    var retryPolicy: RetryPolicy { RetryPolicy(maxAttempts: 5, backoffBase: 1, backoffCap: 3) }

    /// Each Region's pace: one request every `spacing` ms; without, a request sometimes waits 2 ms.
    func pacer(for lane: LaneKey, now: Int64) -> (any LanePacer)? {
        FlakyPacer(target: self, spacing: spacing)
    }

    /// Answers on the calling thread or, one time in two, later from another thread (as an
    /// event loop would).
    func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (AttemptAnswer) -> Void) {
        if stopRequested.load(ordering: .relaxed) { sentAfterStop.add(1, ordering: .relaxed) }
        onAttempt?(attempts.add(1, ordering: .relaxed).newValue)
        let result: AttemptAnswer
        if work.batch.region == stopRegion, stopRegionAttempts.add(1, ordering: .relaxed).newValue > stopAfter {
            result = .noCredentials("no")
        } else {
            result = answer(work)
        }
        if roll() < 0.5 {
            completion(result)
        } else {
            DispatchQueue.global().asyncAfter(deadline: .now() + .microseconds(Int(roll() * 2_000))) {
                completion(result)
            }
        }
    }

    /// A whole request failing (nothing applied), or the store's outcomes answered as the service
    /// would, some findings left out of both lists (applied, but the answer did not say so).
    private func answer(_ work: BatchAttempt) -> AttemptAnswer {
        let pending = work.pending
        for member in work.batch.members
        where RegionByHash().region(of: member.identifier) != .success(work.batch.region) {
            mixedRegions.add(1, ordering: .relaxed)
        }
        let lastChance = work.attempt + work.round > 5
        if !lastChance, roll() < 0.2 {
            resends.add(1, ordering: .relaxed)
            return .error(status: 503, code: "ServiceUnavailableException", message: "")
        }
        let sent = PlannedBatch(
            update: work.batch.update, members: pending.map { work.batch.members[$0] }, region: work.batch.region)
        let outcomes = store.apply(sent)
        var processed: [FindingIdentifier] = []
        var unprocessed: [AttemptAnswer.Unprocessed] = []
        var again = false
        for (member, outcome) in zip(sent.members, outcomes) {
            if !lastChance, roll() < 0.15 {
                again = true  // applied, but the answer did not say so: sent again
            } else if let code = outcome.errorCode {
                unprocessed.append(
                    .init(identifier: member.identifier, code: code.rawValue, message: outcome.errorMessage ?? ""))
            } else {
                processed.append(member.identifier)
            }
        }
        if again { resends.add(1, ordering: .relaxed) }
        return .answered(processed: processed, unprocessed: unprocessed)
    }
}

/// ``FlakyRemoteTarget``'s pace.
private struct FlakyPacer: LanePacer {
    let target: FlakyRemoteTarget
    let spacing: Int64
    var lastSend: Int64?

    init(target: FlakyRemoteTarget, spacing: Int64) {
        self.target = target
        self.spacing = spacing
    }

    func delay(now: Int64) -> Int64 {
        guard spacing > 0 else { return target.roll() < 0.1 ? 2 : 0 }
        return lastSend.map { max(0, $0 + spacing - now) } ?? 0
    }

    mutating func takeSend(now: Int64) {
        if spacing > 0 { lastSend = now }
    }

    mutating func record(_ signal: AttemptStateMachine.RateSignal, now: Int64) {}
}
