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
        let directory = TestPaths.temporaryDirectory("lanes")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = SyntheticData(seed: 99, findingCount: OrderingPropertyTests.findingCount)
        let lines = OrderingPropertyTests.decisions(seed: seed, count: 1_500, data: data)
        let input = directory.appendingPathComponent("decisions.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)

        // Reference: the store target, one request per record, in input order.
        let referencePath = directory.appendingPathComponent("reference.sqlite").path
        try OrderingPropertyTests.makeStore(at: referencePath, data: data)
        var reference = RunConfiguration(inputs: [input])
        reference.dryRun = false
        reference.target = try StoreTarget(path: referencePath, clock: SystemClock.milliseconds)
        reference.concurrency = 1
        reference.batchSize = 1
        reference.keyOrderWindow = 0
        reference.reportPath = directory.appendingPathComponent("reference.json").path
        _ = try DecisionJob(configuration: reference).run()

        let storePath = directory.appendingPathComponent("store.sqlite").path
        try OrderingPropertyTests.makeStore(at: storePath, data: data)
        let target = FlakyRemoteTarget(
            store: try StoreTarget(path: storePath, clock: SystemClock.milliseconds), seed: seed)
        var configuration = RunConfiguration(inputs: [input])
        configuration.dryRun = false
        configuration.target = target
        configuration.routing = RegionByHash()
        configuration.concurrency = concurrency
        configuration.batchSize = batchSize
        configuration.keyOrderWindow = window
        configuration.reportPath = directory.appendingPathComponent("report.json").path
        let result = try DecisionJob(configuration: configuration).run()
        #expect(target.mixedRegions.load(ordering: .relaxed) == 0, "a batch went to a Region not its findings'")
        #expect(result.records == lines.count)
        #expect(target.resends.load(ordering: .relaxed) > 0, "no failure was injected")

        #expect(
            try OrderingPropertyTests.outcomes(configuration.reportPath!)
                == OrderingPropertyTests.outcomes(reference.reportPath!))
        #expect(try OrderingPropertyTests.exported(storePath) == OrderingPropertyTests.exported(referencePath))
    }
}

/// Three Regions, by the bytes of the finding's `ProductArn` (as the real Region comes from it).
private struct RegionByHash: BatchRouting {
    func region(of identifier: FindingIdentifier) -> Result<String, RoutingFailure> {
        let sum = identifier.productArn.utf8.reduce(0) { $0 + Int($1) }
        return .success(["r-a", "r-b", "r-c"][sum % 3])
    }
}

/// A remote target over the store that fails on purpose: 20 % of requests fail whole (nothing
/// applied), 15 % are applied but answered for only some findings (the rest "lost": sent again),
/// and a Region sometimes makes a request wait for its rate. After four tries a request goes
/// through, so every record ends.
private final class FlakyRemoteTarget: RemoteBatchTarget {
    let name = "flaky"
    let defaultConcurrency = 8
    private let store: StoreTarget
    private let random: Mutex<SplitMix64>
    let resends = Atomic<Int>(0)
    /// Attempts whose batch holds a finding of another Region than the batch's.
    let mixedRegions = Atomic<Int>(0)

    init(store: StoreTarget, seed: UInt64) {
        self.store = store
        random = Mutex(SplitMix64(state: seed))
    }

    private func roll() -> Double {
        random.withLock { Double($0.next() % 10_000) / 10_000 }
    }

    func syncApplied() throws(TargetError) { try store.syncApplied() }

    func now() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }

    func sendDelay(region: String, now: Int64) -> Int64 { roll() < 0.1 ? 2 : 0 }

    func takeSend(region: String, now: Int64) {}

    /// Answers on the calling thread or, one time in two, later from another thread (as an
    /// event loop would).
    func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (BatchAttempt.Result) -> Void) {
        let result = answer(work)
        if roll() < 0.5 {
            completion(result)
        } else {
            DispatchQueue.global().asyncAfter(deadline: .now() + .microseconds(Int(roll() * 2_000))) {
                completion(result)
            }
        }
    }

    private func answer(_ work: BatchAttempt) -> BatchAttempt.Result {
        let pending = work.pending
        for member in work.batch.members
        where RegionByHash().region(of: member.identifier) != .success(work.batch.region) {
            mixedRegions.add(1, ordering: .relaxed)
        }
        let lastChance = work.attempt + work.round > 5
        if !lastChance, roll() < 0.2 {
            resends.add(1, ordering: .relaxed)
            var next = work
            next.attempt += 1
            return .again(next, afterMilliseconds: Int64(roll() * 3))
        }
        let sent = PlannedBatch(
            update: work.batch.update, members: pending.map { work.batch.members[$0] }, region: work.batch.region)
        let outcomes = store.apply(sent)
        var next = work
        var again = false
        for (position, index) in pending.enumerated() {
            if !lastChance, roll() < 0.15 {
                again = true  // applied, but the answer did not say so: sent again
            } else {
                next.outcomes[index] = outcomes[position]
            }
        }
        guard again else { return .finished(next.outcomes.map { $0! }) }
        resends.add(1, ordering: .relaxed)
        next.round += 1
        next.attempt = 1
        return .again(next, afterMilliseconds: Int64(roll() * 3))
    }

    func apply(_ batch: PlannedBatch) -> [Outcome] { store.apply(batch) }
}
