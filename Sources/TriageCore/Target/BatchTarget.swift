/// Where batches go: the embedded store, the Security Hub API, or any compatible endpoint. The
/// seam between the pipeline and the targets: neither the store nor the HTTP code depends on the
/// pipeline to implement it.
///
/// One scheduler runs every target (the job's `LaneDispatcher`): one lane per Region, at most
/// `--concurrency` attempts at once, never two batches that share a finding at the same time,
/// batches started in plan order. A target is only the shell of an attempt: it sends the
/// pending members of a batch and says what came back (``AttemptAnswer``); what that answer
/// means — each member's outcome, a resend after a backoff, a Region's lane stopped — is
/// decided by the pure ``AttemptStateMachine`` under the target's ``retryPolicy``, and each
/// Region's pace by the ``LanePacer`` the target gives its lane.
///
/// The store is a lane without a rate whose attempt finishes at once (``ImmediateBatchTarget``).
public protocol BatchTarget: AnyObject, Sendable {
    /// How the report names the target, e.g. `store:findings.sqlite`.
    var name: String { get }
    /// Attempts at once when `--concurrency` is not given.
    var defaultConcurrency: Int { get }
    /// Decisions reordered by finding key at a time before batching (``KeyOrderWindow``) when
    /// `--sort-window` is not given; 0 keeps input order.
    var defaultKeyOrderWindow: Int { get }
    /// Tries per request and rounds per batch, and the backoff between them.
    var retryPolicy: RetryPolicy { get }
    /// How a remote target's report names its endpoint (the run then counts requests, retries
    /// and throttles per Region: ``RemoteStatistics``); nil for the store.
    var endpointLabel: String? { get }
    /// The pace of `lane` (an account and Region: the quota is theirs), made when the lane opens
    /// at `now` (monotonic milliseconds);
    /// nil: the lane sends as fast as `--concurrency` allows.
    func pacer(for lane: LaneKey, now: Int64) -> (any LanePacer)?
    /// Makes every batch applied so far durable. Called before journal entries are synced, so a
    /// durable entry never records a batch the target could still lose.
    func syncApplied() throws(CoreError)
    /// Sends one try of the members of `work` that have no outcome yet (``BatchAttempt/pending``)
    /// and returns without waiting for its answer; `completion` is called exactly once, with what
    /// came back (or why nothing did), on any thread (an event loop's, possibly the caller's),
    /// and must not block it.
    func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (AttemptAnswer) -> Void)
    /// The run stopped: attempts still on the wire `graceMilliseconds` from now are cut off
    /// (their completions report ``AttemptAnswer/interrupted``), so that a stop never waits on a
    /// peer that does not answer.
    func interruptRequests(afterMilliseconds graceMilliseconds: Int64)
    /// In a rehearsal (`apply --dry-run` against the store), what would change so far; nil for
    /// a target that applies for real.
    var rehearsalChanges: [MemberChange]? { get }
}

extension BatchTarget {
    /// Nothing to do: the target's answer is durable when it comes.
    public func syncApplied() throws(CoreError) {}

    /// Input order: a remote service gains nothing from key order.
    public var defaultKeyOrderWindow: Int { 0 }

    /// `cli.md`'s default of `--max-attempts`.
    public var retryPolicy: RetryPolicy { RetryPolicy(maxAttempts: 5) }

    /// Not remote.
    public var endpointLabel: String? { nil }

    /// No pace.
    public func pacer(for lane: LaneKey, now: Int64) -> (any LanePacer)? { nil }

    /// Nothing to cut off.
    public func interruptRequests(afterMilliseconds graceMilliseconds: Int64) {}

    /// Not a rehearsal.
    public var rehearsalChanges: [MemberChange]? { nil }
}

/// A target that decides every member's outcome itself, at once, on the calling thread (the
/// store: a batch is one transaction). Its attempt is ``apply(_:)``, answered as
/// ``AttemptAnswer/decided(_:)``; the scheduler runs it on one of its threads.
public protocol ImmediateBatchTarget: BatchTarget {
    /// Applies one batch and returns one outcome per member, in the members' order.
    func apply(_ batch: PlannedBatch) -> [Outcome]
}

extension ImmediateBatchTarget {
    /// The batch applied at once (an immediate target's first try is its last: every member is
    /// pending).
    public func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (AttemptAnswer) -> Void) {
        let pending = work.pending
        let batch =
            pending.count == work.batch.members.count
            ? work.batch
            : PlannedBatch(
                update: work.batch.update, members: pending.map { work.batch.members[$0] }, region: work.batch.region)
        completion(.decided(apply(batch)))
    }
}
