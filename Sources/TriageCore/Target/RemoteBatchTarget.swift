/// A target that sends each batch as requests to a remote service, paced per Region and retried.
///
/// The pipeline schedules every attempt itself: a batch waiting for its Region's rate, or for
/// its backoff before a retry, holds no slot of `--concurrency` (another Region's batch takes
/// it), and no thread waits for a request on the wire: ``attempt(_:completion:)`` returns once the
/// request is sent and calls back with its answer. The target decides what an answer means: the
/// batch finished, or what to send again and when.
public protocol RemoteBatchTarget: BatchTarget {
    /// The time, in milliseconds of the clock the target keeps its rates on: the `now` the
    /// pipeline passes to ``sendDelay(region:now:)`` and ``takeSend(region:now:)`` and uses for
    /// backoffs, so that target and pipeline never read two clocks.
    func now() -> Int64
    /// Milliseconds until `region` may send its next request (0: now); takes nothing.
    func sendDelay(region: String, now: Int64) -> Int64
    /// Takes `region`'s send token; called when ``sendDelay(region:now:)`` said 0, right before
    /// ``attempt(_:completion:)``.
    func takeSend(region: String, now: Int64)
    /// Sends one request for the members of `work` that have no outcome yet and returns without
    /// waiting for its answer; `completion` is called exactly once, with what the answer (or its
    /// timeout) left, on any thread (an event loop's, possibly the caller's), and must not block
    /// it.
    func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (BatchAttempt.Result) -> Void)
    /// The run stopped: requests still on the wire `graceMilliseconds` from now are cut off (their
    /// completions report no answer), so that a stop never waits on a peer that does not answer.
    func interruptRequests(afterMilliseconds graceMilliseconds: Int64)
}

extension RemoteBatchTarget {
    /// Nothing to cut off (targets whose attempts always end by themselves).
    public func interruptRequests(afterMilliseconds graceMilliseconds: Int64) {}

    /// One attempt, the calling thread waiting for its answer (for callers without a scheduler;
    /// never on an event loop).
    public func attemptWaiting(_ work: BatchAttempt) -> BatchAttempt.Result {
        waitForCallback { attempt(work, completion: $0) }
    }
}

/// A batch on its way through a remote target: the outcomes final so far and the try to come.
public struct BatchAttempt: Sendable {
    /// What an attempt left.
    public enum Result: Sendable {
        /// Every member has its final outcome, in the members' order.
        case finished([Outcome])
        /// Some members must be sent again (the same update, only they) after `afterMilliseconds`.
        case again(BatchAttempt, afterMilliseconds: Int64)
        /// The Region's lane must stop (``LaneStop``): the members still to send get no outcome
        /// from this run and are left for `--resume`; those already final keep theirs.
        case stopped(BatchAttempt, LaneStop)
    }

    /// The batch as planned.
    public var batch: PlannedBatch
    /// Each member's final outcome, nil while it is still to be sent.
    public var outcomes: [Outcome?]
    /// The 1-based number of the next try of the current request (a whole request failed and
    /// is sent again: +1).
    public var attempt: Int
    /// The 1-based number of the current request for the members still to send: findings
    /// answered with a retryable `ErrorCode` go again in a new request (+1, tries start at 1).
    public var round: Int

    /// The first try of `batch`.
    public init(_ batch: PlannedBatch) {
        self.batch = batch
        outcomes = Array(repeating: nil, count: batch.members.count)
        attempt = 1
        round = 1
    }

    /// Indexes of the members still to send.
    public var pending: [Int] { outcomes.indices.filter { outcomes[$0] == nil } }

    /// The batch cut in two when it goes no further (its lane stopped, or the run did): the
    /// members with a final outcome, with those outcomes, and the members still to send, each as
    /// a batch of the same update and Region (nil when it would be empty).
    public func split() -> (decided: (batch: PlannedBatch, outcomes: [Outcome])?, undecided: PlannedBatch?) {
        var decided: [BatchMember] = []
        var decidedOutcomes: [Outcome] = []
        var undecided: [BatchMember] = []
        for (member, outcome) in zip(batch.members, outcomes) {
            if let outcome {
                decided.append(member)
                decidedOutcomes.append(outcome)
            } else {
                undecided.append(member)
            }
        }
        return (
            decided.isEmpty
                ? nil : (PlannedBatch(update: batch.update, members: decided, region: batch.region), decidedOutcomes),
            undecided.isEmpty ? nil : PlannedBatch(update: batch.update, members: undecided, region: batch.region)
        )
    }
}
