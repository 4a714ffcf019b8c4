/// A record and how it ended: what the journal keeps of it, what a report lists, and what the
/// failure sample shows on stderr.
public struct RecordOutcome: Hashable, Sendable {
    /// Which record.
    public var reference: RecordReference
    /// How it ended.
    public var outcome: Outcome

    /// A record's outcome.
    public init(_ reference: RecordReference, _ outcome: Outcome) {
        self.reference = reference
        self.outcome = outcome
    }

    /// The record's sequence number (``RecordReference/sequence``): what merges and orders
    /// outcomes that arrive out of order.
    public var sequence: Int { reference.sequence }
}
