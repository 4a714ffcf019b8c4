/// A rate quota for one operation, applied per (caller account, Region, operation) as a token
/// bucket (`TokenBucket`): `rate` requests a second sustained, bursts of up to `burst`.
package struct Quota: Sendable, Equatable {
    /// Tokens a second; 0 disables throttling for the operation.
    package var rate: Double
    /// The most tokens stored (the bucket is full at start). At least 1 when `rate` is positive.
    package var burst: Double

    /// A quota of `rate` a second with bursts of `burst`.
    package init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// No throttling.
    package static let unlimited = Quota(rate: 0, burst: 0)

    /// Security Hub's own quotas per account and Region (`shared/research/aws-wire.md` §4):
    /// GetFindings 3/s with bursts of 6; BatchUpdateFindings, BatchImportFindings and "all other
    /// operations" (ListFindingAggregators, GetFindingAggregator, ...) 10/s with bursts of 30.
    /// Used without a config file and for operations a config's `quotas` leaves out.
    package static func securityHubDefault(for operation: ServeOperation) -> Quota {
        switch operation {
        case .getFindings: Quota(rate: 3, burst: 6)
        default: Quota(rate: 10, burst: 30)
        }
    }

    /// ``securityHubDefault(for:)`` for every operation.
    package static var securityHubDefaults: [ServeOperation: Quota] {
        Dictionary(uniqueKeysWithValues: ServeOperation.allCases.map { ($0, securityHubDefault(for: $0)) })
    }
}
