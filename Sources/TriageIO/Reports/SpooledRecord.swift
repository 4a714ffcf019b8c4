import TriageCore

/// What the report needs of one record, kept on disk in input order while the run goes on:
/// where it came from, the finding it named, and its failure if it failed before any apply
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
    /// The failure known when the record was read; nil for a valid record.
    package var failure: Failure?

    /// A failure code and message.
    package struct Failure: Sendable, Equatable {
        /// The code.
        package var code: ErrorCode
        /// The message.
        package var message: String

        /// Creates a failure.
        package init(code: ErrorCode, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// Creates a record.
    package init(input: Int, line: Int, id: String?, productArn: String?, failure: Failure?) {
        self.input = input
        self.line = line
        self.id = id
        self.productArn = productArn
        self.failure = failure
    }
}
