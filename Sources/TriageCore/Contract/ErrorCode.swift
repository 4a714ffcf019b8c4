/// Every error code a record can end with: the API's own names plus the few of triage's
/// (`MalformedRecord`, `MalformedInput`), as listed in `docs/contract.md`. The one place
/// these names live in the code.
public enum ErrorCode: String, Sendable, CaseIterable, Hashable {
    // triage's own
    /// The line or row could not be parsed.
    case malformedRecord = "MalformedRecord"
    /// The input itself broke (truncated gzip, unreadable file) after some records.
    case malformedInput = "MalformedInput"

    // per-finding codes of BatchUpdateFindings (`UnprocessedFindings[].ErrorCode`)
    /// The record breaks the contract, or the update is invalid for this finding.
    case invalidInput = "InvalidInput"
    /// No stored finding with that (ProductArn, Id), or the caller may not see it.
    case findingNotFound = "FindingNotFound"
    /// The identifier appeared earlier in the same request.
    case duplicatedFindingIdentifier = "DuplicatedFindingIdentifier"
    /// The updated finding would exceed 240 KB of JSON.
    case findingSizeExceeded = "FindingSizeExceeded"
    /// Another write raced this one; retryable.
    case concurrentUpdateError = "ConcurrentUpdateError"
    /// A failure for that finding only; retryable.
    case internalFailure = "InternalFailure"

    // whole-request errors, reported for each finding of the failed request
    /// HTTP 400.
    case invalidInputException = "InvalidInputException"
    /// HTTP 401: unknown key, not subscribed.
    case invalidAccessException = "InvalidAccessException"
    /// HTTP 403: a deny policy matched; nothing applied.
    case accessDeniedException = "AccessDeniedException"
    /// HTTP 429 (older name).
    case limitExceededException = "LimitExceededException"
    /// HTTP 429: throttled.
    case tooManyRequestsException = "TooManyRequestsException"
    /// HTTP 500.
    case internalException = "InternalException"

    // per-finding code of BatchImportFindings (`FailedFindings[].ErrorCode`); last, so that the
    // positions of the codes above in `allCases` stay as they were
    /// The caller may not import findings for the finding's `AwsAccountId` (`triage serve`).
    case accessDenied = "AccessDenied"

    // whole-request errors of the securityhub target that the service model does not list but
    // the service (or the network) gives; appended for the same reason
    /// HTTP 403: the access key id is unknown (or the session token invalid).
    case unrecognizedClientException = "UnrecognizedClientException"
    /// HTTP 403: the signature does not match, or the request's time is too far from the service's.
    case invalidSignatureException = "InvalidSignatureException"
    /// HTTP 400: the Authorization header lacks a part.
    case incompleteSignatureException = "IncompleteSignatureException"
    /// HTTP 403: the session token has expired.
    case expiredTokenException = "ExpiredTokenException"
    /// HTTP 403: the request was not signed.
    case missingAuthenticationTokenException = "MissingAuthenticationTokenException"
    /// A throttling answer under another name (`ThrottlingException`, `Throttling`, ...).
    case throttlingException = "ThrottlingException"
    /// An error answer with a code triage does not know; the message names the status and code.
    case serviceError = "ServiceError"
    /// No answer came within `--read-timeout` (or the connection could not be made in
    /// `--connect-timeout`), on every try.
    case requestTimeout = "RequestTimeout"
    /// The connection failed or broke before the answer, on every try.
    case connectionError = "ConnectionError"

    /// The API's fixed `ErrorMessage` for the per-finding codes; a generic text otherwise.
    public var defaultMessage: String {
        switch self {
        case .malformedRecord: "Malformed record"
        case .malformedInput: "Malformed input"
        case .invalidInput: "Invalid Input"
        case .findingNotFound: "Finding Not Found"
        case .duplicatedFindingIdentifier: "Finding Identifier is duplicated"
        case .findingSizeExceeded: "Finding size exceeded 240 KB"
        case .concurrentUpdateError: "Concurrent finding updates detected"
        case .internalFailure: "Internal service failure"
        case .invalidInputException: "Invalid input"
        case .invalidAccessException: "Invalid access"
        case .accessDeniedException: "Access denied"
        case .limitExceededException: "Limit exceeded"
        case .tooManyRequestsException: "Too many requests"
        case .internalException: "Internal service error"
        case .accessDenied: "Access Denied"
        case .unrecognizedClientException: "The security token included in the request is invalid."
        case .invalidSignatureException: "The request signature does not match"
        case .incompleteSignatureException: "Incomplete signature"
        case .expiredTokenException: "The security token included in the request is expired"
        case .missingAuthenticationTokenException: "Missing Authentication Token"
        case .throttlingException: "Rate exceeded"
        case .serviceError: "The service answered an error"
        case .requestTimeout: "No answer in time"
        case .connectionError: "The connection failed"
        }
    }
}
