import Synchronization
import TriageCore

/// Draws each request's faults (`FaultConfig`) from one SplitMix64 generator seeded with the
/// config's seed, behind a `Mutex`: the same seed and the same sequence of requests (in the order
/// they reach ``next(findingCount:)``) inject the same faults.
///
/// Every request consumes exactly ``draws(findingCount:)`` numbers, whatever they decide:
/// 1. internal error (`internalErrorRate`);
/// 2. dropped connection (`dropConnectionRate`);
/// 3. which half of the drops: below 0.5 before applying, else after;
/// 4. for each finding, two: unprocessed (`unprocessedRate`), then the code (below 0.5
///    `ConcurrentUpdateError`, else `InternalFailure`).
///
/// An internal error wins over a drop, and either leaves no finding unprocessed except a drop
/// after applying (the request is applied as usual first). So the share of drops is
/// `dropConnectionRate × (1 − internalErrorRate)`. With every rate 0 nothing is drawn.
package final class FaultInjector: Sendable {
    /// The faults configured.
    package let config: FaultConfig
    private let generator: Mutex<SplitMix64>

    /// An injector for `config`, its generator at the seed.
    package init(_ config: FaultConfig) {
        self.config = config
        generator = Mutex(SplitMix64(state: config.seed))
    }

    /// The numbers one request draws: 3, plus 2 per finding.
    package static func draws(findingCount: Int) -> Int {
        3 + 2 * max(0, findingCount)
    }

    /// The faults of the next request, which carries `findingCount` findings (identifiers of a
    /// BatchUpdateFindings, findings of an import, 0 for GetFindings).
    package func next(findingCount: Int) -> RequestFaults {
        var faults = RequestFaults()
        guard config.drawsFaults else { return faults }
        let count = max(0, findingCount)
        let units = generator.withLock { generator in
            (0..<Self.draws(findingCount: count)).map { _ in generator.nextUnit() }
        }
        if units[0] < config.internalErrorRate {
            faults.internalError = true
            return faults
        }
        if units[1] < config.dropConnectionRate {
            faults.dropConnection = units[2] < 0.5 ? .beforeApplying : .afterApplying
            if faults.dropConnection == .beforeApplying { return faults }
        }
        for index in 0..<count where units[3 + 2 * index] < config.unprocessedRate {
            faults.unprocessed[index] = units[4 + 2 * index] < 0.5 ? .concurrentUpdateError : .internalFailure
        }
        return faults
    }
}
