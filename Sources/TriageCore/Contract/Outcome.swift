/// How one record ended: processed, or failed with a code and a message.
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
}
