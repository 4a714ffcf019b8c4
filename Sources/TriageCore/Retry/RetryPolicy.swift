/// When a failed `BatchUpdateFindings` request is tried again, and after how long. Pure.
///
/// ``classify(_:)`` decides each failure in this order (botocore's standard retry mode,
/// `botocore/retries/standard.py`, where `docs/contract.md` is silent, and the reasons); the names
/// matched on any status and those that stop a lane are the ``RequestError`` table's:
///
/// | failure | class | why |
/// |---|---|---|
/// | 401, 403, any code | final | cli.md: never retried; credentials or a policy will not change between tries |
/// | throttling code (`ThrottlingException`, `TooManyRequestsException`, `LimitExceededException`, `Throttling`, `ThrottledException`, `RequestThrottledException`, `ProvisionedThroughputExceededException`, `TransactionInProgressException`, `RequestLimitExceeded`, `BandwidthLimitExceeded`, `RequestThrottled`, `SlowDown`, `PriorRequestNotComplete`, `EC2ThrottledException`), any other status | throttle | botocore's list, code only, any status (a 400 `ThrottlingException` is a throttle although cli.md says 400 is never retried); `PriorRequestNotComplete` is also in botocore's transient list, but its adaptive limiter counts it as a throttle, and so do we |
/// | `RequestTimeout`, `RequestTimeoutException`, any other status | transient | botocore's transient codes: the server gave up waiting for the body |
/// | 429, any other code | throttle | the service's throttle (`TooManyRequestsException`, §4 of aws-wire.md); botocore legacy retries any 429 |
/// | 509 | throttle | "Bandwidth Limit Exceeded": botocore legacy retries it (standard does not); a rate limit, so it slows the Region down |
/// | 501, 505 | final | "Not Implemented", "HTTP Version Not Supported": the same request gets the same answer (botocore retries neither) |
/// | other 5xx (500 `InternalException`, 502, 503, 504, ...) | transient | cli.md: 5xx retried (botocore: 500, 502, 503, 504) |
/// | 408, no code | transient | the server timed out reading the request: like a timeout |
/// | any other status (400 `InvalidInputException`, 402 `ServiceQuotaExceededException`, 404, 409, 413, ...) | final | the input or the account, not the moment, is the cause |
/// | timeout, broken connection | transient | cli.md: retried (the request may have been applied; an update is idempotent) |
/// | connect failure | transient | nothing was sent; botocore retries `EndpointConnectionError` |
/// | unreadable `200` (not JSON, another shape, too large) | transient | the request may have been applied; sending it again is safe |
public struct RetryPolicy: Sendable {
    /// Tries per request, the first included (`--max-attempts`); at least 1.
    public let maxAttempts: Int

    /// The backoff's base: the first retry waits up to 1 s (botocore standard mode).
    public static let baseMilliseconds: Int64 = 1_000
    /// The backoff's cap: no retry waits more than 20 s (botocore standard mode).
    public static let capMilliseconds: Int64 = 20_000

    /// The names that are throttles on any status: botocore's throttling error codes
    /// (`ThrottledRetryableChecker`), from the ``RequestError`` table.
    public static let throttlingCodes: Set<String> = Set(RequestError.classByName.filter { $0.value == .throttle }.keys)
    /// The names that are transient on any status: botocore's transient error codes
    /// (`TransientRetryableChecker`) not already throttles, from the ``RequestError`` table.
    public static let transientCodes: Set<String> = Set(RequestError.classByName.filter { $0.value == .transient }.keys)

    /// The service's answers that refuse the credentials themselves (``RequestError/stopsLane``):
    /// every request signed with them would be refused alike, so the Region's lane stops at once
    /// (exit status 5) instead of failing each record. `AccessDeniedException` is not one of them:
    /// a policy may deny one update and allow another, so it stays the outcome of its own request.
    public static let credentialCodes: Set<String> = RequestError.laneStoppingNames

    /// A policy of `maxAttempts` tries in all.
    /// - Precondition: `maxAttempts >= 1`.
    public init(maxAttempts: Int) {
        self.init(maxAttempts: maxAttempts, backoffBase: Self.baseMilliseconds, backoffCap: Self.capMilliseconds)
    }

    /// A policy of `maxAttempts` tries with another backoff (tests whose fake peers fail on
    /// purpose: milliseconds, not seconds).
    /// - Precondition: `maxAttempts >= 1`, `0 <= backoffBase <= backoffCap`.
    public init(maxAttempts: Int, backoffBase: Int64, backoffCap: Int64) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        precondition(0 <= backoffBase && backoffBase <= backoffCap, "backoff base must be 0...cap")
        self.maxAttempts = maxAttempts
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    /// The backoff's base and cap, in milliseconds (``baseMilliseconds``, ``capMilliseconds``).
    public let backoffBase: Int64
    public let backoffCap: Int64

    /// The class of `failure` (the table above).
    public static func classify(_ failure: AttemptFailure) -> RetryClass {
        switch failure {
        case .timeout, .connectionBroken, .connectFailed, .unreadableAnswer:
            return .transient
        case .http(let status, let code):
            if status == 401 || status == 403 { return .final }
            if let code, let byName = RequestError.classByName[code] { return byName }
            switch status {
            case 429, 509: return .throttle
            case 501, 505: return .final
            case 500...599, 408: return .transient
            default: return .final
            }
        }
    }

    /// Whether try number `attempt` (1-based) failing with `failure` stops the Region's lane
    /// rather than deciding the records: credentials refused (at once, never retried), or a
    /// transient failure (5xx, timeout, broken or refused connection) that is still there at the
    /// last try. Throttles are not: the rate controller slows the lane down instead.
    public func stopsLane(_ failure: AttemptFailure, attempt: Int) -> LaneStop.Cause? {
        if case .http(_, let code?) = failure, Self.credentialCodes.contains(code) { return .credentialsRefused }
        if attempt >= maxAttempts, Self.classify(failure) == .transient { return .endpointFailing }
        return nil
    }

    /// Whether the request is sent again after try number `attempt` (1-based) failed with `failure`.
    public func shouldRetry(_ failure: AttemptFailure, attempt: Int) -> Bool {
        attempt < maxAttempts && Self.classify(failure) != .final
    }

    /// The wait before the try after `attempt` (1-based), in milliseconds: full jitter, uniform in
    /// `0...min(cap, base·2^(attempt−1))` (base 1 s, cap 20 s).
    public func backoff(afterAttempt attempt: Int, random: inout some RandomNumberGenerator) -> Int64 {
        let exponent = min(max(attempt, 1) - 1, 30)
        let upper = min(backoffCap, backoffBase << Int64(exponent))
        return Int64.random(in: 0...upper, using: &random)
    }

    /// Whether a finding answered with `findingErrorCode` in `UnprocessedFindings` is sent again
    /// in a new request: only `ConcurrentUpdateError` and `InternalFailure`.
    public static func isRetryable(findingErrorCode: String) -> Bool {
        findingErrorCode == ErrorCode.concurrentUpdateError.rawValue
            || findingErrorCode == ErrorCode.internalFailure.rawValue
    }
}
