import Testing
import TriageCore

/// The client side of the whole-request error table (``RequestError``): every row is classified,
/// retried and stops a lane as the table says, and the table holds botocore's lists
/// (`shared/research/aws-wire.md` §3.2) and the credential errors of §5.3, no more, no less.
@Suite struct RetryPolicyRequestErrorTests {
    static let policy = RetryPolicy(maxAttempts: 5)

    /// The statuses a row is read on: its own, or, for a name matched on any status, a spread of them.
    static func statuses(of row: RequestError) -> [Int] {
        row.status.map { [$0] } ?? [400, 408, 429, 500, 503]
    }

    @Test(arguments: RequestError.all)
    func eachRowIsClassifiedAsTheTableSays(row: RequestError) {
        for status in Self.statuses(of: row) {
            let failure = AttemptFailure.http(status: status, code: row.name)
            #expect(RetryPolicy.classify(failure) == row.retry, "\(row) at \(status)")
            #expect(Self.policy.shouldRetry(failure, attempt: 1) == (row.retry != .final), "\(row) at \(status)")
            #expect(
                Self.policy.stopsLane(failure, attempt: 1) == (row.stopsLane ? .credentialsRefused : nil),
                "\(row) at \(status)")
        }
    }

    /// A name matched by name keeps its class on any status but 401 and 403 (never retried); the
    /// others take their status's (`InternalException` on a 400 is final, `AccessDeniedException`
    /// on a 500 is transient).
    @Test(arguments: RequestError.all)
    func onlyNamesMatchedByNameOverrideTheStatus(row: RequestError) {
        #expect(RetryPolicy.classify(.http(status: 401, code: row.name)) == .final)
        #expect(RetryPolicy.classify(.http(status: 403, code: row.name)) == .final)
        let onAnother = RetryPolicy.classify(.http(status: 418, code: row.name))
        #expect(onAnother == (row.retriedByName ? row.retry : .final), "\(row)")
    }

    @Test func aNameOutsideTheTableIsClassifiedByItsStatus() {
        #expect(RequestError.rows(named: "TeapotException").isEmpty)
        for (status, expected) in [(400, RetryClass.final), (429, .throttle), (500, .transient), (501, .final)] {
            #expect(RetryPolicy.classify(.http(status: status, code: "TeapotException")) == expected)
            #expect(RetryPolicy.classify(.http(status: status, code: "TeapotException")) == Self.classOfStatus(status))
        }
    }

    private static func classOfStatus(_ status: Int) -> RetryClass {
        RetryPolicy.classify(.http(status: status, code: nil))
    }

    /// botocore's code lists (`standard.py`, aws-wire.md §3.2), written out here as the oracle.
    @Test func theNamesMatchedByNameAreBotocoresLists() {
        let throttling: Set<String> = [
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
            "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
            "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
            "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
        ]
        #expect(RetryPolicy.throttlingCodes == throttling)
        #expect(RetryPolicy.transientCodes == ["RequestTimeout", "RequestTimeoutException"])
    }

    /// The credential errors of aws-wire.md §5.3 (and their query-protocol names); not
    /// `AccessDeniedException`, which a policy gives one update and not another.
    @Test func theRowsThatStopALaneRefuseTheCredentials() {
        #expect(
            RetryPolicy.credentialCodes == [
                "InvalidSignatureException", "IncompleteSignatureException", "UnrecognizedClientException",
                "MissingAuthenticationTokenException", "ExpiredTokenException", "InvalidAccessException",
                "InvalidClientTokenId", "SignatureDoesNotMatch",
            ])
        #expect(RequestError.all.filter(\.stopsLane).allSatisfy { $0.retry == .final })
    }

    @Test func eachRowIsOneNameAtOneStatus() {
        let keys = RequestError.all.map { "\($0.name) \($0.status.map(String.init) ?? "any")" }
        #expect(Set(keys).count == keys.count)
        #expect(RequestError.all.allSatisfy { !$0.message.isEmpty })
        #expect(RequestError.all.allSatisfy { $0.status.map { (400...599).contains($0) } ?? $0.retriedByName })
        #expect(RequestError.rows(named: "InvalidInputException").map(\.status) == [400, 413])
        #expect(RequestError.rows(named: "InvalidSignatureException").map(\.status) == [403, 400])
    }
}
