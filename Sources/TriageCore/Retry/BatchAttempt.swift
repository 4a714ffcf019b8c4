/// A batch on its way through a target: the outcomes final so far and the try to come. The
/// scheduler holds it while the batch is on the wire or waits to be sent again;
/// ``AttemptStateMachine`` moves it from one try to the next.
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
