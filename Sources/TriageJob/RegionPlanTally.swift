import Synchronization
import TriageCore

/// Batches and records planned per Region, for a dry run planned for a remote target (its
/// report's `regions` name the requests a real run sends).
final class RegionPlanTally: Sendable {
    private let statistics: Mutex<RemoteStatistics>

    init(endpoint: String) {
        statistics = Mutex(RemoteStatistics(endpoint: endpoint))
    }

    /// Counts one planned batch.
    func count(_ batch: PlannedBatch) {
        statistics.withLock { statistics in
            statistics.regions[batch.region, default: .init()].requests += 1
            statistics.regions[batch.region, default: .init()].findings += batch.members.count
            if let account = batch.account {
                statistics.accounts[account, default: .init()].requests += 1
                statistics.accounts[account, default: .init()].findings += batch.members.count
            }
        }
    }

    /// The counts so far.
    var snapshot: RemoteStatistics { statistics.withLock { $0 } }
}
