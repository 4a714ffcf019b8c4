import Testing
import TriageCore

/// Every status and code of `shared/research/aws-wire.md` §3 (legacy, standard and adaptive
/// modes, and the attempts observed) with its class; attempts, backoff and per-finding codes.
@Suite struct RetryPolicyTests {
    /// (failure, expected class)
    static let table: [(AttemptFailure, RetryClass)] = [
        // §3.1 legacy: 429 any code, 500, 502, 503, 504, 509; 400 only with throttling codes
        (.http(status: 429, code: nil), .throttle),
        (.http(status: 429, code: "SomethingElse"), .throttle),
        (.http(status: 429, code: "TooManyRequestsException"), .throttle),
        (.http(status: 429, code: "LimitExceededException"), .throttle),
        (.http(status: 429, code: "ThrottlingException"), .throttle),
        (.http(status: 500, code: nil), .transient),
        (.http(status: 500, code: "InternalException"), .transient),
        (.http(status: 500, code: "InternalServerException"), .transient),
        (.http(status: 502, code: nil), .transient),
        (.http(status: 503, code: nil), .transient),
        (.http(status: 503, code: "SlowDown"), .throttle),
        (.http(status: 504, code: nil), .transient),
        (.http(status: 509, code: nil), .throttle),
        (.http(status: 400, code: "Throttling"), .throttle),
        (.http(status: 400, code: "ThrottlingException"), .throttle),
        (.http(status: 400, code: "ThrottledException"), .throttle),
        (.http(status: 400, code: "RequestThrottledException"), .throttle),
        (.http(status: 400, code: "ProvisionedThroughputExceededException"), .throttle),
        // §3.2 standard: the rest of the throttling codes, on any status
        (.http(status: 400, code: "TooManyRequestsException"), .throttle),
        (.http(status: 400, code: "TransactionInProgressException"), .throttle),
        (.http(status: 400, code: "RequestLimitExceeded"), .throttle),
        (.http(status: 400, code: "BandwidthLimitExceeded"), .throttle),
        (.http(status: 400, code: "LimitExceededException"), .throttle),
        (.http(status: 400, code: "RequestThrottled"), .throttle),
        (.http(status: 400, code: "SlowDown"), .throttle),
        (.http(status: 400, code: "PriorRequestNotComplete"), .throttle),
        (.http(status: 400, code: "EC2ThrottledException"), .throttle),
        // §3.2 transient codes, any status
        (.http(status: 400, code: "RequestTimeout"), .transient),
        (.http(status: 408, code: "RequestTimeout"), .transient),
        (.http(status: 400, code: "RequestTimeoutException"), .transient),
        (.http(status: 408, code: nil), .transient),
        // §3.4 and §1.6: final
        (.http(status: 400, code: "InvalidInputException"), .final),
        (.http(status: 400, code: "ValidationException"), .final),
        (.http(status: 400, code: "ResourceInUseException"), .final),
        (.http(status: 400, code: nil), .final),
        (.http(status: 401, code: "InvalidAccessException"), .final),
        (.http(status: 401, code: "ThrottlingException"), .final),
        (.http(status: 403, code: "AccessDeniedException"), .final),
        (.http(status: 403, code: "InvalidSignatureException"), .final),
        (.http(status: 403, code: "TooManyRequestsException"), .final),
        (.http(status: 402, code: "ServiceQuotaExceededException"), .final),
        (.http(status: 404, code: "ResourceNotFoundException"), .final),
        (.http(status: 409, code: "ResourceConflictException"), .final),
        (.http(status: 413, code: nil), .final),
        (.http(status: 501, code: nil), .final),
        (.http(status: 505, code: nil), .final),
        (.http(status: 507, code: nil), .transient),
        (.http(status: 599, code: nil), .transient),
        (.http(status: 200, code: nil), .final),
        // no answer
        (.timeout, .transient),
        (.connectionBroken, .transient),
        (.connectFailed, .transient),
    ]

    @Test(arguments: table)
    func classifies(failure: AttemptFailure, expected: RetryClass) {
        #expect(RetryPolicy.classify(failure) == expected)
    }

    @Test func everyListedCodeIsInTheTable() {
        let codes = Set(Self.table.compactMap { if case .http(_, let code) = $0.0 { code } else { nil } })
        #expect(RetryPolicy.throttlingCodes.isSubset(of: codes))
        #expect(RetryPolicy.transientCodes.isSubset(of: codes))
    }

    @Test(arguments: [1, 2, 5, 10])
    func triesAtMostMaxAttempts(maxAttempts: Int) {
        let policy = RetryPolicy(maxAttempts: maxAttempts)
        for failure in [AttemptFailure.http(status: 429, code: nil), .http(status: 503, code: nil), .timeout] {
            let retries = (1...maxAttempts + 2).filter { policy.shouldRetry(failure, attempt: $0) }
            #expect(retries == Array(1..<maxAttempts))
        }
        #expect(!policy.shouldRetry(.http(status: 400, code: "InvalidInputException"), attempt: 1))
        #expect(!policy.shouldRetry(.http(status: 403, code: nil), attempt: 1))
    }

    @Test func theDefaultRetriesFourTimes() {
        let policy = RetryPolicy(maxAttempts: 5)
        #expect((1...10).count { policy.shouldRetry(.timeout, attempt: $0) } == 4)
        #expect(!RetryPolicy(maxAttempts: 1).shouldRetry(.timeout, attempt: 1))
    }

    @Test(arguments: 1...12)
    func backoffIsFullJitterUnderTheCap(attempt: Int) {
        let policy = RetryPolicy(maxAttempts: 5)
        var random = SplitMix64(state: UInt64(attempt))
        let upper = min(20_000, 1_000 << (attempt - 1))
        let draws = (0..<4_000).map { _ in policy.backoff(afterAttempt: attempt, random: &random) }
        #expect(draws.allSatisfy { (0...Int64(upper)).contains($0) })
        // The whole range is used: both ends within 1 % of it.
        #expect(draws.min()! <= Int64(upper) / 100)
        #expect(draws.max()! >= Int64(upper) * 99 / 100)
    }

    @Test func backoffOfHugeAttemptsStaysCapped() {
        var random = SplitMix64(state: 1)
        let policy = RetryPolicy(maxAttempts: 5)
        for attempt in [31, 64, 1_000, Int.max] {
            #expect(policy.backoff(afterAttempt: attempt, random: &random) <= 20_000)
        }
    }

    @Test(arguments: [
        ("ConcurrentUpdateError", true), ("InternalFailure", true), ("InvalidInput", false),
        ("FindingNotFound", false), ("DuplicatedFindingIdentifier", false), ("FindingSizeExceeded", false),
        ("SomethingNew", false),
    ])
    func onlyTwoFindingCodesAreSentAgain(code: String, retryable: Bool) {
        #expect(RetryPolicy.isRetryable(findingErrorCode: code) == retryable)
    }
}
