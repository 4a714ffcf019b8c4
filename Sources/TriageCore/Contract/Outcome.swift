/// How one record ended: processed, or failed with a code and a message.
///
/// The one representation of a record's end, used alike by the record spool, the journal,
/// `--resume`, the outcome table and the reports.
public enum Outcome: Hashable, Sendable {
    /// The record was applied (or, in a dry run, is valid).
    case processed
    /// The record failed; the message says what and where, never the record's secrets.
    case failed(ErrorCode, String)
    /// The record failed as far as this run could learn, but its update may be in effect: a
    /// request for it got no answer, or an answer that contradicts itself, and the service never
    /// gave its final word on it. Reported as a failure whose message says so; `--resume` sends it
    /// again (an update sent twice leaves the same state).
    case unconfirmed(ErrorCode, String)

    /// A failure with the code's default message.
    public static func failed(_ code: ErrorCode) -> Outcome { .failed(code, code.defaultMessage) }

    /// Whether the record was processed.
    public var isProcessed: Bool {
        if case .processed = self { return true }
        return false
    }

    /// Whether the record's update may be in effect although it is reported failed.
    public var isUnconfirmed: Bool {
        if case .unconfirmed = self { return true }
        return false
    }

    /// The failure's code; nil when processed.
    public var errorCode: ErrorCode? {
        switch self {
        case .processed: nil
        case .failed(let code, _), .unconfirmed(let code, _): code
        }
    }

    /// The failure's message; nil when processed.
    public var errorMessage: String? {
        switch self {
        case .processed: nil
        case .failed(_, let message), .unconfirmed(_, let message): message
        }
    }
}
