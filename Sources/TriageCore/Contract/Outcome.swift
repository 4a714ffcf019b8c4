/// How one record ended: processed, or failed with a code and a message.
///
/// The one representation of a record's end, used alike by the record spool, the journal,
/// `--resume`, the outcome table and the reports.
public enum Outcome: Hashable, Sendable {
    /// The record was applied (or, in a dry run, is valid).
    case processed
    /// The record failed; the message says what and where, never the record's secrets.
    case failed(ErrorCode, String)

    /// A failure with the code's default message.
    public static func failed(_ code: ErrorCode) -> Outcome { .failed(code, code.defaultMessage) }

    /// Whether the record was processed.
    public var isProcessed: Bool {
        if case .processed = self { return true }
        return false
    }

    /// The failure's code; nil when processed.
    public var errorCode: ErrorCode? {
        if case .failed(let code, _) = self { return code }
        return nil
    }

    /// The failure's message; nil when processed.
    public var errorMessage: String? {
        if case .failed(_, let message) = self { return message }
        return nil
    }
}
