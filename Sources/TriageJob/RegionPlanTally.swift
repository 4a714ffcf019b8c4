import Synchronization
import TriageCore

/// Batches and records planned per Region, for a dry run planned for a remote target (its
/// report's `regions` name the requests a real run sends).
final class RegionPlanTally: Sendable {
    private let statistics: Mutex<RemoteStatistics>
    /// Whether lanes are per account (`--assume-role`): the plan is then told per lane.
    private let perAccount: Bool

    /// A tally for `endpoint`; `perAccount`: plan per account and Region too.
    init(endpoint: String, perAccount: Bool = false) {
        statistics = Mutex(RemoteStatistics(endpoint: endpoint))
        self.perAccount = perAccount
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
            if perAccount {
                statistics.plannedLanes[batch.lane, default: .init()].requests += 1
                statistics.plannedLanes[batch.lane, default: .init()].findings += batch.members.count
            }
        }
    }

    /// The counts so far.
    var snapshot: RemoteStatistics { statistics.withLock { $0 } }
}
