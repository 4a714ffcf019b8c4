import TriageSigV4

/// An error STS answers, in the Query protocol's shape (`docs/serve.md`, STS): the HTTP status,
/// `<Type>` (`Sender`, or `Receiver` for the server's own failure), `<Code>` and `<Message>`.
/// Messages never contain a secret, a session token or a signature.
package struct STSQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    package var status: Int
    /// The error code, e.g. `AccessDenied`.
    package var code: String
    /// One line, worded as STS words it.
    package var message: String
    /// Whether the caller is at fault (`Sender`) or the server (`Receiver`).
    package var isSender: Bool

    /// An error answered with `status`, `code` and `message`.
    package init(status: Int, code: String, message: String, isSender: Bool = true) {
        self.status = status
        self.code = code
        self.message = message
        self.isSender = isSender
    }

    /// `Code (status): message`.
    package var description: String { "\(code) (\(status)): \(message)" }

    /// `403 AccessDenied`: `caller` may not assume `roleArn` (untrusted, no such role, or the
    /// wrong external id: STS words them alike, revealing nothing of the role).
    package static func notAuthorized(callerArn: String, roleArn: String) -> STSQueryError {
        STSQueryError(
            status: 403, code: "AccessDenied",
            message: "User: \(callerArn) is not authorized to perform: sts:AssumeRole on resource: \(roleArn)")
    }

    /// `400 ValidationError` for the constraint failures `problems` (Coral's wording:
    /// `1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member
    /// must not be null`), or for one free-form message.
    package static func validation(_ problems: [String]) -> STSQueryError {
        let count = problems.count == 1 ? "1 validation error detected" : "\(problems.count) validation errors detected"
        return STSQueryError(
            status: 400, code: "ValidationError", message: "\(count): \(problems.joined(separator: "; "))")
    }

    /// `400 ValidationError` with `message` as it is.
    package static func validation(message: String) -> STSQueryError {
        STSQueryError(status: 400, code: "ValidationError", message: message)
    }

    /// `400 InvalidAction`: `action` is no operation of STS version `version`.
    package static func invalidAction(_ action: String, version: String?) -> STSQueryError {
        STSQueryError(
            status: 400, code: "InvalidAction",
            message:
                "Could not find operation \(action.prefix(100)) for version \(version?.prefix(100) ?? "NO_VERSION_SPECIFIED")"
        )
    }

    /// `400 InvalidAction`: an STS operation that serve does not emulate.
    package static func notEmulated(_ action: String) -> STSQueryError {
        STSQueryError(
            status: 400, code: "InvalidAction",
            message: "triage serve does not emulate STS \(action); it answers AssumeRole and GetCallerIdentity")
    }

    /// `400 MissingAction`: the form has no `Action`.
    package static let missingAction = STSQueryError(
        status: 400, code: "MissingAction", message: "The request is missing an action or a required parameter.")

    /// `403 ExpiredToken`: the session's credentials are past their expiration.
    package static let expiredToken = STSQueryError(
        status: 403, code: "ExpiredToken", message: "The security token included in the request is expired")

    /// `500 InternalFailure` (`Receiver`): an unexpected failure of the server (never its details).
    package static let internalFailure = STSQueryError(
        status: 500, code: "InternalFailure", message: "An internal error occurred.", isSender: false)

    /// The verifier's rejection under STS's Query-protocol names: `MissingAuthenticationToken`,
    /// `IncompleteSignature`, `InvalidClientTokenId`, `SignatureDoesNotMatch` (a mismatch, a scope of
    /// another service, date or Region, a time out of range), with the verifier's wording.
    package init(_ rejection: SigV4Error) {
        switch rejection.code {
        case .missingAuthentication:
            self.init(
                status: 403, code: "MissingAuthenticationToken", message: "Request is missing Authentication Token")
        case .incompleteSignature, .malformedAuthorization, .hostNotSigned:
            self.init(status: 400, code: "IncompleteSignature", message: rejection.message)
        case .unknownAccessKey, .sessionTokenMismatch:
            self.init(status: 403, code: "InvalidClientTokenId", message: rejection.message)
        case .credentialScopeMismatch, .payloadHashMismatch, .signatureMismatch, .signatureExpired,
            .signatureNotYetCurrent, .presignedRequestExpired:
            self.init(status: 403, code: "SignatureDoesNotMatch", message: rejection.message)
        }
    }
}
