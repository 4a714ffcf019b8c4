import TriageCore

/// A remote target whose requests are journaled as they are sent: each batch's first try is
/// noted in the journal (``ApplyLedger/noteSent()``) right before the target sends it, so that a
/// resumed run's `requests` counts the requests of a run killed with them in flight. Tries after
/// the first (a whole request sent again, or a new request for findings answered with a retryable
/// code) are counted in `retries`, as the target counts them, and are not noted.
///
/// Everything else goes to the wrapped target unchanged.
final class SentRequestJournal: RemoteBatchTarget {
    private let target: RemoteBatchTarget
    private let ledger: ApplyLedger

    init(_ target: RemoteBatchTarget, ledger: ApplyLedger) {
        self.target = target
        self.ledger = ledger
    }

    var name: String { target.name }
    var defaultConcurrency: Int { target.defaultConcurrency }
    var defaultKeyOrderWindow: Int { target.defaultKeyOrderWindow }
    var rehearsalChanges: [MemberChange]? { target.rehearsalChanges }
    var remoteStatistics: RemoteStatistics? { target.remoteStatistics }
    func syncApplied() throws(TargetError) { try target.syncApplied() }
    func apply(_ batch: PlannedBatch) -> [Outcome] { target.apply(batch) }
    func now() -> Int64 { target.now() }
    func sendDelay(region: String, now: Int64) -> Int64 { target.sendDelay(region: region, now: now) }
    func takeSend(region: String, now: Int64) { target.takeSend(region: region, now: now) }
    func interruptRequests(afterMilliseconds graceMilliseconds: Int64) {
        target.interruptRequests(afterMilliseconds: graceMilliseconds)
    }

    func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (BatchAttempt.Result) -> Void) {
        if work.attempt == 1 && work.round == 1 { ledger.noteSent() }
        target.attempt(work, completion: completion)
    }
}
