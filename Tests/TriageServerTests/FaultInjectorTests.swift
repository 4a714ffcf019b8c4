import Testing
import TriageCore
import TriageServer

/// Seeded fault injection: repeatable, a fixed number of draws per request, rates respected.
@Suite struct FaultInjectorTests {
    /// A mix of requests: GetFindings (0 findings), small and full batches.
    private static let sequence = (0..<300).map { [0, 1, 3, 100, 7][$0 % 5] }

    private static let noisy = FaultConfig(
        seed: 7, internalErrorRate: 0.1, dropConnectionRate: 0.2, latencyMs: 5, unprocessedRate: 0.3)

    private func run(_ config: FaultConfig, _ sequence: [Int] = sequence) -> [RequestFaults] {
        let injector = FaultInjector(config)
        return sequence.map { injector.next(findingCount: $0) }
    }

    @Test func theSameSeedAndRequestsGiveTheSameFaults() {
        #expect(run(Self.noisy) == run(Self.noisy))
        var other = Self.noisy
        other.seed = 8
        #expect(run(Self.noisy) != run(other))
    }

    /// Each request consumes exactly `draws(findingCount:)` numbers, whatever they decide: the
    /// second request's faults depend only on the seed and the first request's finding count.
    @Test func eachRequestConsumesAFixedNumberOfDraws() {
        for first in [0, 1, 5, 100] {
            var config = Self.noisy
            config.internalErrorRate = 0.5
            let injector = FaultInjector(config)
            _ = injector.next(findingCount: first)
            let second = injector.next(findingCount: 4)
            var generator = SplitMix64(state: config.seed)
            for _ in 0..<FaultInjector.draws(findingCount: first) { _ = generator.next() }
            let units = (0..<FaultInjector.draws(findingCount: 4)).map { _ in generator.nextUnit() }
            #expect(second.internalError == (units[0] < 0.5), "after \(first)")
            if !second.internalError, units[1] < config.dropConnectionRate {
                #expect(second.dropConnection == (units[2] < 0.5 ? .beforeApplying : .afterApplying))
            }
        }
        #expect(FaultInjector.draws(findingCount: 0) == 3)
        #expect(FaultInjector.draws(findingCount: 100) == 203)
    }

    @Test func ratesOfZeroNeverFire() {
        let faults = run(FaultConfig(seed: 3, latencyMs: 250))
        #expect(faults.allSatisfy { $0 == RequestFaults() })
    }

    @Test func ratesOfOneAlwaysFire() {
        #expect(
            run(FaultConfig(internalErrorRate: 1, dropConnectionRate: 1, unprocessedRate: 1)).allSatisfy {
                $0.internalError && $0.dropConnection == nil && $0.unprocessed.isEmpty
            })
        let drops = run(FaultConfig(dropConnectionRate: 1))
        #expect(drops.allSatisfy { !$0.internalError && $0.dropConnection != nil })
        #expect(Set(drops.compactMap(\.dropConnection)) == [.beforeApplying, .afterApplying])
        let unprocessed = run(FaultConfig(unprocessedRate: 1))
        for (faults, count) in zip(unprocessed, Self.sequence) {
            #expect(faults.unprocessed.keys.sorted() == Array(0..<count))
        }
        #expect(Set(unprocessed.flatMap(\.unprocessed.values)) == [.concurrentUpdateError, .internalFailure])
    }

    @Test func aDropBeforeApplyingLeavesNothingUnprocessedAndOneAfterApplyingMay() {
        let faults = run(FaultConfig(seed: 11, dropConnectionRate: 1, unprocessedRate: 1))
        for (fault, count) in zip(faults, Self.sequence) {
            switch fault.dropConnection {
            case .beforeApplying: #expect(fault.unprocessed.isEmpty)
            case .afterApplying: #expect(fault.unprocessed.count == count)
            case nil: Issue.record("no drop at rate 1")
            }
        }
    }

    @Test func observedSharesAreNearTheRates() {
        let requests = 10_000
        let config = FaultConfig(seed: 42, internalErrorRate: 0.2, dropConnectionRate: 0.3, unprocessedRate: 0.1)
        let faults = run(config, Array(repeating: 10, count: requests))
        let internalErrors = faults.filter(\.internalError).count
        #expect(abs(internalErrors - 2_000) < 300, "\(internalErrors)")
        // Drops are drawn among the requests without an internal error.
        let survivors = requests - internalErrors
        let drops = faults.compactMap(\.dropConnection)
        #expect(abs(Double(drops.count) / Double(survivors) - 0.3) < 0.03, "\(drops.count)")
        let before = drops.filter { $0 == .beforeApplying }.count
        #expect(abs(Double(before) / Double(drops.count) - 0.5) < 0.05, "\(before)")
        let applied = faults.filter { !$0.internalError && $0.dropConnection != .beforeApplying }
        let unprocessed = applied.map(\.unprocessed.count).reduce(0, +)
        #expect(abs(Double(unprocessed) / Double(applied.count * 10) - 0.1) < 0.02, "\(unprocessed)")
        let concurrent = applied.flatMap(\.unprocessed.values).filter { $0 == .concurrentUpdateError }.count
        #expect(abs(Double(concurrent) / Double(unprocessed) - 0.5) < 0.05, "\(concurrent)")
    }
}
