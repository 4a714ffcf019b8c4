import TriageCore

/// What the report needs of one record, kept on disk in input order while the run goes on:
/// where it came from, the finding it named, and its outcome if it was decided before any apply
/// (malformed, invalid). The outcome of applied records is kept apart (``ApplyLedger``-style,
/// by sequence number) because batches finish out of order.
package struct SpooledRecord: Sendable, Equatable {
    /// Index of the input in the run.
    package var input: Int
    /// 1-based line where the record starts.
    package var line: Int
    /// `Id`, if the record named one.
    package var id: String?
    /// `ProductArn`, if the record named one.
    package var productArn: String?
    /// The outcome known when the record was read (malformed, invalid, or processed in a dry
    /// run); nil when the outcome comes from applying it (kept by sequence number elsewhere).
    package var outcome: Outcome?

    /// Creates a record.
    package init(input: Int, line: Int, id: String?, productArn: String?, outcome: Outcome?) {
        self.input = input
        self.line = line
        self.id = id
        self.productArn = productArn
        self.outcome = outcome
    }
}
