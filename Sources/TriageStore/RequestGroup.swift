import Foundation
import TriageCore

/// Group commit for the server's write requests: one thread applies every request waiting at
/// that moment (up to ``maxGroup``) in one transaction, then the next group. While a group is
/// applied, the requests that arrive queue for the next one, so a busy writer commits many
/// requests at once and an idle one commits each at once (nothing waits for a timer). No thread
/// waits for a request in the queue: ``submit(_:apply:completion:)`` calls back.
///
/// Why: the writer is the server's bottleneck, and most of a small transaction's cost is its
/// commit (the WAL frames of every page it touched, the B-tree's upper pages again and again).
///
/// `@unchecked Sendable`: every `var` is guarded by `condition`.
final class RequestGroup: @unchecked Sendable {
    /// The most requests committed together.
    static let maxGroup = 32

    /// One request, as its group applies it.
    struct Request: Sendable {
        let batch: [(sequence: Int, identifier: FindingIdentifier)]
        let update: FindingUpdate
        let now: String
        /// The accounts whose findings the request may update; nil for all.
        let accounts: AccountSet?
        /// The Regions whose findings the request may update; nil for all.
        let regions: RegionSet?
        /// Who made the request and when, for its history records; nil records none.
        let history: FindingHistory.Stamp?

        init(
            identifiers: [FindingIdentifier], update: FindingUpdate, now: String, accounts: AccountSet?,
            regions: RegionSet? = nil, history: FindingHistory.Stamp? = nil
        ) {
            batch = identifiers.enumerated().map { (sequence: $0.offset, identifier: $0.element) }
            self.update = update
            self.now = now
            self.accounts = accounts
            self.regions = regions
            self.history = history
        }
    }

    /// What one request of a group came to.
    typealias Outcome = Result<(outcomes: [TriageCore.Outcome], commit: Int), StoreError>

    private let condition = NSCondition()
    private var waiting: [(request: Request, completion: @Sendable (Outcome) -> Void)] = []
    private var draining = false
    /// The most requests one group held so far.
    var largest: Int {
        condition.lock()
        defer { condition.unlock() }
        return largestSeen
    }
    private var largestSeen = 0
    /// The one thread applying groups while requests wait.
    private let writer = DispatchQueue(label: "triage.store.request-group")

    /// Queues `request`; `completion` gets its result on the group's thread once its group
    /// committed (or failed). `apply` gives one result per request of a group, in order; it is the
    /// same for every call (the store's), and the call that finds the queue idle passes it on.
    func submit(
        _ request: Request, apply: @escaping @Sendable ([Request]) -> [Outcome],
        completion: @escaping @Sendable (Outcome) -> Void
    ) {
        condition.lock()
        waiting.append((request, completion))
        let start = !draining
        draining = true
        condition.unlock()
        if start { writer.async { [self] in drain(apply) } }
    }

    /// Applies groups until nothing waits.
    private func drain(_ apply: @Sendable ([Request]) -> [Outcome]) {
        while true {
            condition.lock()
            let group = Array(waiting.prefix(Self.maxGroup))
            waiting.removeFirst(group.count)
            if group.isEmpty { draining = false }
            largestSeen = max(largestSeen, group.count)
            condition.unlock()
            if group.isEmpty { return }
            let results = apply(group.map(\.request))
            for (member, result) in zip(group, results) { member.completion(result) }
        }
    }
}
