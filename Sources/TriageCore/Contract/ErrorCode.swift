/// Every error code a record can end with: the API's own names plus the few of triage's
/// (`MalformedRecord`, `MalformedInput`), as listed in `docs/contract.md`. The one place
/// these names live in the code.
///
/// A struct, not an enum: a code the service gives that is not listed here (a per-finding
/// `ErrorCode` added after this release) is kept verbatim (``init(verbatim:)``), never renamed;
/// ``init(rawValue:)`` accepts listed codes only.
public struct ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code's name as the API writes it.
    public let rawValue: String

    private init(listed name: String) { rawValue = name }

    /// A listed code; nil for any other name.
    public init?(rawValue: String) {
        guard Self.listedNames.contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// `name` as the service gave it, listed or not (an empty name is `InternalFailure`, the
    /// API's code for a failure it does not name).
    public init(verbatim name: String) {
        rawValue = name.isEmpty ? Self.internalFailure.rawValue : name
    }

    /// Whether the code is one of those listed here.
    public var isListed: Bool { Self.listedNames.contains(rawValue) }

    public var description: String { rawValue }

    // triage's own
    /// The line or row could not be parsed.
    public static let malformedRecord = ErrorCode(listed: "MalformedRecord")
    /// The input itself broke (truncated gzip, unreadable file) after some records.
    public static let malformedInput = ErrorCode(listed: "MalformedInput")

    // per-finding codes of BatchUpdateFindings (`UnprocessedFindings[].ErrorCode`)
    /// The record breaks the contract, or the update is invalid for this finding.
    public static let invalidInput = ErrorCode(listed: "InvalidInput")
    /// No stored finding with that (ProductArn, Id), or the caller may not see it.
    public static let findingNotFound = ErrorCode(listed: "FindingNotFound")
    /// The identifier appeared earlier in the same request.
    public static let duplicatedFindingIdentifier = ErrorCode(listed: "DuplicatedFindingIdentifier")
    /// The updated finding would exceed 240 KB of JSON.
    public static let findingSizeExceeded = ErrorCode(listed: "FindingSizeExceeded")
    /// Another write raced this one; retryable.
    public static let concurrentUpdateError = ErrorCode(listed: "ConcurrentUpdateError")
    /// A failure for that finding only; retryable.
    public static let internalFailure = ErrorCode(listed: "InternalFailure")

    // whole-request errors, reported for each finding of the failed request
    /// HTTP 400.
    public static let invalidInputException = ErrorCode(listed: "InvalidInputException")
    /// HTTP 401: unknown key, not subscribed.
    public static let invalidAccessException = ErrorCode(listed: "InvalidAccessException")
    /// HTTP 403: a deny policy matched; nothing applied.
    public static let accessDeniedException = ErrorCode(listed: "AccessDeniedException")
    /// HTTP 429 (older name).
    public static let limitExceededException = ErrorCode(listed: "LimitExceededException")
    /// HTTP 429: throttled.
    public static let tooManyRequestsException = ErrorCode(listed: "TooManyRequestsException")
    /// HTTP 500.
    public static let internalException = ErrorCode(listed: "InternalException")

    // per-finding code of BatchImportFindings (`FailedFindings[].ErrorCode`); last, so that the
    // positions of the codes above in `allCases` stay as they were
    /// The caller may not import findings for the finding's `AwsAccountId` (`triage serve`).
    public static let accessDenied = ErrorCode(listed: "AccessDenied")

    // whole-request errors of the securityhub target that the service model does not list but
    // the service (or the network) gives; appended for the same reason
    /// HTTP 403: the access key id is unknown (or the session token invalid).
    public static let unrecognizedClientException = ErrorCode(listed: "UnrecognizedClientException")
    /// HTTP 403: the signature does not match, or the request's time is too far from the service's.
    public static let invalidSignatureException = ErrorCode(listed: "InvalidSignatureException")
    /// HTTP 400: the Authorization header lacks a part.
    public static let incompleteSignatureException = ErrorCode(listed: "IncompleteSignatureException")
    /// HTTP 403: the session token has expired.
    public static let expiredTokenException = ErrorCode(listed: "ExpiredTokenException")
    /// HTTP 403: the request was not signed.
    public static let missingAuthenticationTokenException = ErrorCode(listed: "MissingAuthenticationTokenException")
    /// A throttling answer under another name (`ThrottlingException`, `Throttling`, ...).
    public static let throttlingException = ErrorCode(listed: "ThrottlingException")
    /// An error answer with a code triage does not know; the message names the status and code.
    public static let serviceError = ErrorCode(listed: "ServiceError")
    /// No answer came within `--read-timeout` (or the connection could not be made in
    /// `--connect-timeout`), on every try.
    public static let requestTimeout = ErrorCode(listed: "RequestTimeout")
    /// The connection failed or broke before the answer, on every try.
    public static let connectionError = ErrorCode(listed: "ConnectionError")

    /// The listed codes, in a fixed order: stored outcomes (the record spool) keep a code as its
    /// position here, so new codes are appended, never inserted.
    public static let allCases: [ErrorCode] = [
        .malformedRecord,
        .malformedInput,
        .invalidInput,
        .findingNotFound,
        .duplicatedFindingIdentifier,
        .findingSizeExceeded,
        .concurrentUpdateError,
        .internalFailure,
        .invalidInputException,
        .invalidAccessException,
        .accessDeniedException,
        .limitExceededException,
        .tooManyRequestsException,
        .internalException,
        .accessDenied,
        .unrecognizedClientException,
        .invalidSignatureException,
        .incompleteSignatureException,
        .expiredTokenException,
        .missingAuthenticationTokenException,
        .throttlingException,
        .serviceError,
        .requestTimeout,
        .connectionError,
    ]

    private static let listedNames: Set<String> = Set(allCases.map(\.rawValue))

    /// The API's fixed `ErrorMessage` for the per-finding codes; a generic text otherwise.
    public var defaultMessage: String {
        Self.defaultMessages[rawValue] ?? "The service answered \(rawValue)"
    }

    private static let defaultMessages: [String: String] = [
        ErrorCode.malformedRecord.rawValue: "Malformed record",
        ErrorCode.malformedInput.rawValue: "Malformed input",
        ErrorCode.invalidInput.rawValue: "Invalid Input",
        ErrorCode.findingNotFound.rawValue: "Finding Not Found",
        ErrorCode.duplicatedFindingIdentifier.rawValue: "Finding Identifier is duplicated",
        ErrorCode.findingSizeExceeded.rawValue: "Finding size exceeded 240 KB",
        ErrorCode.concurrentUpdateError.rawValue: "Concurrent finding updates detected",
        ErrorCode.internalFailure.rawValue: "Internal service failure",
        ErrorCode.invalidInputException.rawValue: "Invalid input",
        ErrorCode.invalidAccessException.rawValue: "Invalid access",
        ErrorCode.accessDeniedException.rawValue: "Access denied",
        ErrorCode.limitExceededException.rawValue: "Limit exceeded",
        ErrorCode.tooManyRequestsException.rawValue: "Too many requests",
        ErrorCode.internalException.rawValue: "Internal service error",
        ErrorCode.accessDenied.rawValue: "Access Denied",
        ErrorCode.unrecognizedClientException.rawValue: "The security token included in the request is invalid.",
        ErrorCode.invalidSignatureException.rawValue: "The request signature does not match",
        ErrorCode.incompleteSignatureException.rawValue: "Incomplete signature",
        ErrorCode.expiredTokenException.rawValue: "The security token included in the request is expired",
        ErrorCode.missingAuthenticationTokenException.rawValue: "Missing Authentication Token",
        ErrorCode.throttlingException.rawValue: "Rate exceeded",
        ErrorCode.serviceError.rawValue: "The service answered an error",
        ErrorCode.requestTimeout.rawValue: "No answer in time",
        ErrorCode.connectionError.rawValue: "The connection failed",
    ]
}
