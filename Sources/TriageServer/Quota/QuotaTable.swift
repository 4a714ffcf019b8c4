import Synchronization
import TriageCore

/// The token buckets of a running server: one per (caller account, Region of the credential
/// scope, operation), created full on first use, as Security Hub throttles per account and
/// Region. Thread-safe: the buckets sit behind one `Mutex`, held for a dictionary look-up and a
/// refill only.
///
/// An operation whose quota has rate 0, or that `quotas` does not list, is never throttled.
/// Buckets that have refilled to full behave exactly like new ones, so the table drops them when
/// it grows past ``sweepThreshold`` entries (many Regions or accounts), keeping memory bounded
/// by the callers active within a burst's refill time.
package final class QuotaTable: Sendable {
    /// One bucket's identity.
    private struct BucketKey: Hashable {
        var account: String
        var region: String
        var operation: ServeOperation
    }

    /// The buckets and when to sweep them next.
    private struct State {
        var buckets: [BucketKey: TokenBucket] = [:]
        var sweepAt = QuotaTable.sweepThreshold
    }

    /// The table size that triggers dropping full buckets.
    package static let sweepThreshold = 4096

    private let quotas: [ServeOperation: Quota]
    private let clock: @Sendable () -> Int64
    private let state = Mutex(State())

    /// A table for `quotas`, reading the time (epoch milliseconds) from `clock` once per request.
    package init(quotas: [ServeOperation: Quota], clock: @escaping @Sendable () -> Int64) {
        self.quotas = quotas
        self.clock = clock
    }

    /// Takes a token from the bucket of (`account`, `region`, `operation`): false when it is
    /// empty and the request must be answered `TooManyRequestsException` (nothing applied).
    package func admit(account: String, region: String, operation: ServeOperation) -> Bool {
        admit(account: account, regions: [region], operation: operation)
    }

    /// Takes a token from the bucket of (`account`, each of `regions`, `operation`), all or none:
    /// false, and no token taken, when any of them is empty (a write that Security Hub's
    /// cross-Region aggregation charges to several Regions, `FindingAggregator`).
    package func admit(account: String, regions: [String], operation: ServeOperation) -> Bool {
        guard let quota = quotas[operation], quota.rate > 0 else { return true }
        let now = clock()
        let keys = Set(regions).map { BucketKey(account: account, region: $0, operation: operation) }
        return state.withLock { state in
            if state.buckets.count >= state.sweepAt {
                state.buckets = state.buckets.filter { !$0.value.isFull(now: now) }
                state.sweepAt = max(Self.sweepThreshold, state.buckets.count * 2)
            }
            let fresh = TokenBucket(rate: quota.rate, burst: quota.burst, now: now)
            var taken: [BucketKey: TokenBucket] = [:]
            for key in keys {
                var bucket = state.buckets[key] ?? fresh
                guard bucket.take(now: now) else { return false }
                taken[key] = bucket
            }
            state.buckets.merge(taken) { _, new in new }
            return true
        }
    }

    /// How many buckets the table holds (for tests).
    package var bucketCount: Int {
        state.withLock { $0.buckets.count }
    }
}
