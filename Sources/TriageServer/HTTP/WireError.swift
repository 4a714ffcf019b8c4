import TriageSigV4

/// A whole-request error as Security Hub answers it (`docs/serve.md`, errors on the wire):
/// the error shape's name (sent as `x-amzn-ErrorType` and as the body's `Code`), its HTTP status,
/// and the message (the body's `Message`, which botocore shows).
///
/// Messages never contain a secret, a session token or a signature.
package struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error shape's name, e.g. `InvalidInputException`.
    package var name: String
    /// The HTTP status of the shape.
    package var status: Int
    /// The text of the body's `Message`.
    package var message: String

    /// An error of shape `name` with `status` and `message`.
    package init(_ name: String, status: Int, message: String) {
        self.name = name
        self.status = status
        self.message = message
    }

    package var description: String { "\(name) (\(status)): \(message)" }

    /// `InvalidInputException` (400): the body breaks the operation's contract.
    package static func invalidInput(_ message: String) -> WireError {
        WireError("InvalidInputException", status: 400, message: message)
    }

    /// Another method or path than the three operations (404).
    package static func unknownOperation(method: String, path: String) -> WireError {
        WireError(
            "UnknownOperationException", status: 404,
            message: "No operation is served at \(method) \(path.prefix(200)); this endpoint serves "
                + "BatchUpdateFindings, GetFindings and BatchImportFindings")
    }

    /// A body over the 6 MB a request may carry (413), refused before it is read or authenticated.
    package static func tooLarge(limit: Int) -> WireError {
        WireError(
            "InvalidInputException", status: 413,
            message: "The request body is larger than \(limit) bytes (6 MB), the most a request may carry")
    }

    /// The verifier's rejection, with its name, status and AWS's wording.
    package init(_ rejection: SigV4Rejection) {
        self.init(rejection.code, status: rejection.httpStatus, message: rejection.description)
    }

    /// `ExpiredTokenException` (403): the credential's session token is past its `expiresAt`.
    package static let expiredToken = WireError(
        "ExpiredTokenException", status: 403, message: "The security token included in the request is expired")

    /// `InvalidAccessException` (401): the key's account is not in the config.
    package static func notSubscribed(_ account: String) -> WireError {
        WireError(
            "InvalidAccessException", status: 401,
            message: "Account \(account) is not subscribed to AWS Security Hub")
    }

    /// `AccessDeniedException` (403): a policy denies the request; nothing was applied.
    package static func accessDenied(_ message: String) -> WireError {
        WireError("AccessDeniedException", status: 403, message: message)
    }

    /// `TooManyRequestsException` (429): the caller's bucket for the operation is empty.
    package static let throttled = WireError("TooManyRequestsException", status: 429, message: "Too Many Requests")

    /// `InternalException` (500): an injected fault or an unexpected failure (never its details).
    package static let internalError = WireError(
        "InternalException", status: 500, message: "Internal service error; the request was not applied")
}
