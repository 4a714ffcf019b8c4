/// A whole-request error: an answer of the service that refuses a request as a whole (no
/// `UnprocessedFindings`), by its name (`x-amzn-ErrorType` and the body's `Code`), its HTTP status,
/// the message the service gives when it has nothing more precise to say, whether a client sends
/// the request again, and whether it stops the Region's lane (exit status 5).
///
/// ``all`` is the one table of them: `triage serve` answers with its rows (its status and name; its
/// message when the request gives no better one), and the securityhub target classifies an answer
/// by it (``RetryPolicy``). A name not in the table is classified by its status alone.
///
/// | row | name | status | retry | stops the lane | where the fact comes from |
/// |---|---|---|---|---|---|
/// | ``invalidInput`` | `InvalidInputException` | 400 | never | no | service model (aws-wire.md §1.6); serve.md |
/// | ``requestTooLarge`` | `InvalidInputException` | 413 | never | no | serve.md: a body over 6 MB, refused before it is read |
/// | ``unknownOperation`` | `UnknownOperationException` | 404 | never | no | serve.md: another method or path |
/// | ``resourceNotFound`` | `ResourceNotFoundException` | 404 | never | no | service model (GetFindingAggregator); serve.md: an aggregator ARN the caller has not |
/// | ``missingAuthenticationToken`` | `MissingAuthenticationTokenException` | 403 | never | yes | aws-wire.md §5.3 (1) |
/// | ``incompleteSignature`` | `IncompleteSignatureException` | 400 | never | yes | aws-wire.md §5.3 (1) |
/// | ``unrecognizedClient`` | `UnrecognizedClientException` | 403 | never | yes | aws-wire.md §5.3 (4) |
/// | ``invalidSignature`` | `InvalidSignatureException` | 403 | never | yes | aws-wire.md §5.3 (6) |
/// | ``signatureOutOfDate`` | `InvalidSignatureException` | 400 | never | yes | aws-wire.md §5.3 (3): more than 5 minutes off |
/// | ``expiredToken`` | `ExpiredTokenException` | 403 | never | yes | aws-wire.md §5.3 (5) |
/// | ``invalidAccess`` | `InvalidAccessException` | 401 | never | yes | service model; serve.md: not subscribed |
/// | ``accessDenied`` | `AccessDeniedException` | 403 | never | no | service model; batchupdatefindings.md §4: a policy may deny one update and allow another |
/// | ``tooManyRequests`` | `TooManyRequestsException` | 429 | throttle | no | aws-wire.md §4: what the service answers |
/// | ``limitExceeded`` | `LimitExceededException` | 429 | throttle | no | service model (the modeled throttle) |
/// | ``internalError`` | `InternalException` | 500 | transient | no | service model; serve.md: an injected fault |
/// | ``invalidClientTokenId`` | `InvalidClientTokenId` | 403 | never | yes | aws-wire.md §5.3 (3): query-protocol name |
/// | ``signatureDoesNotMatch`` | `SignatureDoesNotMatch` | 403 | never | yes | aws-wire.md §5.3 (3): query-protocol name |
/// | ``throttlingNames`` | `ThrottlingException` and botocore's other throttling names | any | throttle, by name | no | aws-wire.md §3.2 (`ThrottledRetryableChecker`) |
/// | ``transientNames`` | `RequestTimeout`, `RequestTimeoutException` | any | transient, by name | no | aws-wire.md §3.2 (`TransientRetryableChecker`) |
///
/// *By name*: botocore matches these names on any status (a 400 `ThrottlingException` is a
/// throttle); every other row's class is its status's (``RetryPolicy/classify(_:)``), and a 401 or
/// 403 is never sent again whatever its name. A row that stops the lane does so by its name alone.
public struct RequestError: Sendable, Hashable, CustomStringConvertible {
    /// The error shape's name, e.g. `InvalidInputException`.
    public let name: String
    /// The status the service answers it with; nil for names the service (and `triage serve`)
    /// never sends but a client still recognises (botocore's lists), whatever the status.
    public let status: Int?
    /// What the service says when the request gives nothing more precise.
    public let message: String
    /// Whether a client sends the request again, and as what.
    public let retry: RetryClass
    /// Whether ``retry`` holds for the name on any status (botocore's code lists); otherwise the
    /// status decides.
    public let retriedByName: Bool
    /// Whether the error refuses the credentials themselves: every request signed with them would
    /// be refused alike, so the Region's lane stops at once (exit status 5) and no record is
    /// decided by it.
    public let stopsLane: Bool

    private init(
        _ name: String, status: Int?, message: String, retry: RetryClass = .final, byName: Bool = false,
        stopsLane: Bool = false
    ) {
        self.name = name
        self.status = status
        self.message = message
        self.retry = retry
        self.retriedByName = byName
        self.stopsLane = stopsLane
    }

    /// `Name (status)`.
    public var description: String { "\(name) (\(status.map(String.init) ?? "any status"))" }

    // MARK: Answered by `triage serve` (and by Security Hub)

    /// The body breaks the operation's contract.
    public static let invalidInput = RequestError("InvalidInputException", status: 400, message: "Invalid input")
    /// The body is over the 6 MB a request may carry (refused before it is read or authenticated).
    public static let requestTooLarge = RequestError(
        "InvalidInputException", status: 413, message: "The request body is larger than a request may carry")
    /// Another method or path than the operations served.
    public static let unknownOperation = RequestError(
        "UnknownOperationException", status: 404, message: "No operation is served there")
    /// The resource the request names does not exist (a finding aggregator ARN the caller has not).
    public static let resourceNotFound = RequestError(
        "ResourceNotFoundException", status: 404,
        message: "The request was rejected because we can't find the specified resource.")
    /// No `Authorization` header and no presigned query.
    public static let missingAuthenticationToken = RequestError(
        "MissingAuthenticationTokenException", status: 403, message: "Missing Authentication Token", stopsLane: true)
    /// The `Authorization` header lacks a part, or cannot be read.
    public static let incompleteSignature = RequestError(
        "IncompleteSignatureException", status: 400, message: "Incomplete signature", stopsLane: true)
    /// The access key id is unknown, or the session token is not the key's.
    public static let unrecognizedClient = RequestError(
        "UnrecognizedClientException", status: 403, message: "The security token included in the request is invalid.",
        stopsLane: true)
    /// The signature does not match (or its scope names another date, Region or service).
    public static let invalidSignature = RequestError(
        "InvalidSignatureException", status: 403,
        message: "The request signature we calculated does not match the signature you provided.", stopsLane: true)
    /// The request's time is more than 5 minutes from the service's (or a presigned request expired).
    public static let signatureOutOfDate = RequestError(
        "InvalidSignatureException", status: 400, message: "Signature expired", stopsLane: true)
    /// The credential's session token has expired.
    public static let expiredToken = RequestError(
        "ExpiredTokenException", status: 403, message: "The security token included in the request is expired",
        stopsLane: true)
    /// The key's account is not subscribed to Security Hub (in that Region).
    public static let invalidAccess = RequestError(
        "InvalidAccessException", status: 401, message: "Invalid access", stopsLane: true)
    /// A policy denies the request; nothing was applied.
    public static let accessDenied = RequestError("AccessDeniedException", status: 403, message: "Access denied")
    /// The caller's rate for the operation is used up (the service's throttle).
    public static let tooManyRequests = RequestError(
        "TooManyRequestsException", status: 429, message: "Too Many Requests", retry: .throttle, byName: true)
    /// The modeled throttle.
    public static let limitExceeded = RequestError(
        "LimitExceededException", status: 429, message: "Limit exceeded", retry: .throttle, byName: true)
    /// The service failed; the request was not applied.
    public static let internalError = RequestError(
        "InternalException", status: 500, message: "Internal service error; the request was not applied",
        retry: .transient)

    // MARK: Recognised by the client only

    /// The query-protocol name of an unknown access key.
    public static let invalidClientTokenId = RequestError(
        "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid.",
        stopsLane: true)
    /// The query-protocol name of a signature mismatch.
    public static let signatureDoesNotMatch = RequestError(
        "SignatureDoesNotMatch", status: 403,
        message: "The request signature we calculated does not match the signature you provided.", stopsLane: true)
    /// botocore's throttling names besides the two above, matched on any status.
    public static let throttlingNames: [RequestError] = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    ].map { RequestError($0, status: nil, message: "Rate exceeded", retry: .throttle, byName: true) }
    /// botocore's transient names: the server gave up waiting for the body.
    public static let transientNames: [RequestError] = ["RequestTimeout", "RequestTimeoutException"].map {
        RequestError($0, status: nil, message: "No answer in time", retry: .transient, byName: true)
    }

    /// Every row, those `triage serve` answers with first.
    public static let all: [RequestError] =
        [
            .invalidInput, .requestTooLarge, .unknownOperation, .resourceNotFound, .missingAuthenticationToken,
            .incompleteSignature,
            .unrecognizedClient, .invalidSignature, .signatureOutOfDate, .expiredToken, .invalidAccess, .accessDenied,
            .tooManyRequests, .limitExceeded, .internalError, .invalidClientTokenId, .signatureDoesNotMatch,
        ] + throttlingNames + transientNames

    /// The class each name has on any status (``retriedByName``).
    public static let classByName: [String: RetryClass] = Dictionary(
        all.filter(\.retriedByName).map { ($0.name, $0.retry) }, uniquingKeysWith: { first, _ in first })

    /// The names that stop a Region's lane (``stopsLane``).
    public static let laneStoppingNames: Set<String> = Set(all.filter(\.stopsLane).map(\.name))

    /// The rows named `name` (one, or two for a name answered with two statuses); empty for a name
    /// not in the table.
    public static func rows(named name: String) -> [RequestError] {
        all.filter { $0.name == name }
    }
}
