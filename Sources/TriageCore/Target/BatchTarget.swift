/// Where batches go: the embedded store, the Security Hub API, or any compatible endpoint. The
/// seam between the pipeline and the targets: neither the store nor the HTTP code depends on the
/// pipeline to implement it.
///
/// `apply` is called from several threads at once (up to `--concurrency`); the pipeline never
/// runs two batches that share a finding at the same time, and starts them in plan order.
public protocol BatchTarget: AnyObject, Sendable {
    /// How the report names the target, e.g. `store:findings.sqlite`.
    var name: String { get }
    /// Batches in flight when `--concurrency` is not given.
    var defaultConcurrency: Int { get }
    /// Decisions reordered by finding key at a time before batching (``KeyOrderWindow``) when
    /// `--sort-window` is not given; 0 keeps input order.
    var defaultKeyOrderWindow: Int { get }
    /// Makes every batch applied so far durable. Called before journal entries are synced, so a
    /// durable entry never records a batch the target could still lose.
    func syncApplied() throws(TargetError)
    /// Applies one batch and returns one outcome per member, in the members' order.
    func apply(_ batch: PlannedBatch) -> [Outcome]
    /// In a rehearsal (`apply --dry-run` against the store), what would change so far; nil for
    /// a target that applies for real.
    var rehearsalChanges: [MemberChange]? { get }
    /// For a remote target, what it counted so far (retries, throttles, per Region); nil for
    /// the store.
    var remoteStatistics: RemoteStatistics? { get }
}

extension BatchTarget {
    /// Nothing to do: the target's answer is durable when it comes.
    public func syncApplied() throws(TargetError) {}

    /// Input order: a remote service gains nothing from key order.
    public var defaultKeyOrderWindow: Int { 0 }

    /// Not a rehearsal.
    public var rehearsalChanges: [MemberChange]? { nil }

    /// Not remote.
    public var remoteStatistics: RemoteStatistics? { nil }
}
