/// What a failed try means for the request: throttles and transient failures are tried again
/// (throttles also slow the Region's ``RegionRateController`` down); final ones are not.
public enum RetryClass: Sendable, Equatable {
    /// The service's rate limit: retried, and fed to the rate controller.
    case throttle
    /// A failure that may not happen again (5xx, timeouts, broken connections): retried.
    case transient
    /// The same request would fail the same way (bad input, credentials, permissions): not retried.
    case final
}
