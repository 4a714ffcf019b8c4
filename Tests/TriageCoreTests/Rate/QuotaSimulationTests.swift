import Testing
import TriageCore

/// The rate controller against a simulated Security Hub quota (10 req/s, burst 30) with 1-200 ms
/// of latency each way: never throttled alone, under 1 % throttled beside a second client, back to
/// the quota when that client stops. A plain bucket at 10/30 fails the shared case.
@Suite struct QuotaSimulationTests {
    /// The controller at the default `--rate 10 --burst 30`.
    private static func controller() -> RegionRateController {
        RegionRateController(rate: 10, burst: 30, now: 0)
    }

    @Test(arguments: [8, 32], [1, 2, 3] as [UInt64])
    func aloneItIsNeverThrottledAndUsesTheQuota(inFlight: Int, seed: UInt64) {
        let simulation = QuotaSimulation(inFlight: inFlight, durationMilliseconds: 120_000, seed: seed)
        let requests = simulation.run(Self.controller())
        let all = QuotaSimulation.figures(requests, in: 0..<120_000)
        let afterBurst = QuotaSimulation.figures(requests, in: 5_000..<120_000)
        #expect(all.throttled == 0, "\(all)")
        #expect(afterBurst.successfulPerSecond >= 9.5, "\(afterBurst)")
    }

    @Test(arguments: [8, 32], [1, 2, 3] as [UInt64])
    func besideAnotherClientItAdaptsThenClimbsBack(inFlight: Int, seed: UInt64) {
        let simulation = QuotaSimulation(
            inFlight: inFlight, durationMilliseconds: 240_000, otherClient: 0..<120_000, seed: seed)
        let requests = simulation.run(Self.controller())
        let shared = QuotaSimulation.figures(requests, in: 0..<120_000)
        let after = QuotaSimulation.figures(requests, in: 180_000..<240_000)
        #expect(shared.throttledShare < 0.01, "\(shared)")
        #expect(after.successfulPerSecond >= 9.5, "\(after)")
    }

    @Test(arguments: [8, 32])
    func aSecondClientJoiningMidRunCostsUnderOnePercent(inFlight: Int) {
        let simulation = QuotaSimulation(
            inFlight: inFlight, durationMilliseconds: 300_000, otherClient: 60_000..<180_000, seed: 7)
        let requests = simulation.run(Self.controller())
        let shared = QuotaSimulation.figures(requests, in: 60_000..<180_000)
        let after = QuotaSimulation.figures(requests, in: 240_000..<300_000)
        #expect(shared.throttledShare < 0.01, "\(shared)")
        #expect(after.successfulPerSecond >= 9.5, "\(after)")
    }

    /// The baseline: a plain bucket at the quota keeps hitting it when the quota is shared.
    @Test func aPlainBucketIsThrottledOftenWhenShared() {
        let simulation = QuotaSimulation(inFlight: 32, durationMilliseconds: 240_000, otherClient: 0..<120_000)
        let requests = simulation.run(PlainBucketLimiter(bucket: TokenBucket(rate: 10, burst: 30, now: 0)))
        #expect(QuotaSimulation.figures(requests, in: 0..<120_000).throttledShare > 0.1)
    }

    /// The figures of docs/performance.md's rate-control table (`swift test --filter
    /// QuotaSimulationTests/printsTheFigures` prints them), and what the table says of them: both
    /// limiters use the quota alone and after the other client stops; beside it, the controller is
    /// throttled under 1 % and the plain bucket over 10 %.
    @Test func printsTheFigures() {
        let alone = QuotaSimulation(inFlight: 32, durationMilliseconds: 120_000)
        let shared = QuotaSimulation(inFlight: 32, durationMilliseconds: 240_000, otherClient: 0..<120_000)
        let plain = { PlainBucketLimiter(bucket: TokenBucket(rate: 10, burst: 30, now: 0)) }
        let ours = (alone.run(Self.controller()), shared.run(Self.controller()))
        let baseline = (alone.run(plain()), shared.run(plain()))
        var sharedShares: [String: Double] = [:]
        for (name, runs) in [("controller", ours), ("plain 10/30 bucket", baseline)] {
            let aloneFigures = QuotaSimulation.figures(runs.0, in: 5_000..<120_000)
            let sharedFigures = QuotaSimulation.figures(runs.1, in: 0..<120_000)
            let afterFigures = QuotaSimulation.figures(runs.1, in: 180_000..<240_000)
            print(
                "QuotaSimulation \(name), 32 in flight: alone 5-120 s \(aloneFigures); "
                    + "shared 0-120 s \(sharedFigures); after 180-240 s \(afterFigures)")
            #expect(aloneFigures.successfulPerSecond >= 9.5, "\(name) alone: \(aloneFigures)")
            #expect(afterFigures.successfulPerSecond >= 9.5, "\(name) after: \(afterFigures)")
            sharedShares[name] = sharedFigures.throttledShare
        }
        #expect(sharedShares["controller"] ?? 1 < 0.01, "\(sharedShares)")
        #expect(sharedShares["plain 10/30 bucket"] ?? 0 > 0.1, "\(sharedShares)")
    }
}
