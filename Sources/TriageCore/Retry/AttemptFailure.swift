/// How one try of a request failed: an HTTP error answer, or no answer at all.
public enum AttemptFailure: Sendable, Equatable {
    /// An error answer: its HTTP status and the service's error code (`x-amzn-ErrorType` or the
    /// body's `__type`/`code`, without namespace), if any.
    case http(status: Int, code: String?)
    /// No complete answer within `--read-timeout`.
    case timeout
    /// The connection closed or reset after the request began to be sent.
    case connectionBroken
    /// No connection within `--connect-timeout`, refused, or the name did not resolve: nothing
    /// was sent.
    case connectFailed
    /// An answer came (`200`) but could not be read as one: not JSON, JSON of another shape, or
    /// larger than any real answer. The request may have been applied.
    case unreadableAnswer

    /// Whether the request may have been applied although its outcome is unknown: it was sent
    /// and no readable answer came.
    public var mayHaveBeenApplied: Bool {
        switch self {
        case .timeout, .connectionBroken, .unreadableAnswer: true
        case .http, .connectFailed: false
        }
    }
}
