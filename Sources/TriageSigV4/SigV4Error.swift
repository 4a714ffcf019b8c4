import TriageCore

/// The one error of TriageSigV4: why the verifier refused a request, as a ``Code``, AWS's wording
/// of it (``message``), and the whole-request error a SigV4 service answers with
/// (``requestError``: its name and HTTP status, from TriageCore's ``RequestError`` table).
///
/// Messages never contain a secret, a session token, a signature or a canonical request (which may
/// hold a token).
public struct SigV4Error: ModuleError {
    /// What is wrong with the request's signature.
    public enum Code: Sendable, Equatable, CaseIterable {
        /// No `Authorization` header and no presigned query.
        case missingAuthentication
        /// `Credential`, `SignedHeaders`, `Signature` or `X-Amz-Date` is absent.
        case incompleteSignature
        /// The `Authorization` value or presigned query is unreadable (algorithm, `key=value`,
        /// credential, date, expiry).
        case malformedAuthorization
        /// The access key id is unknown.
        case unknownAccessKey
        /// The credential scope names another date than `X-Amz-Date`, or another Region or service
        /// than the verifier's.
        case credentialScopeMismatch
        /// `host` is not among the signed headers.
        case hostNotSigned
        /// The key has a session token and the request did not send it (signed), or sent another
        /// one, or sent one for a key without a token.
        case sessionTokenMismatch
        /// `x-amz-content-sha256` is neither `UNSIGNED-PAYLOAD` nor the SHA-256 of the body received.
        case payloadHashMismatch
        /// The signature recomputed with the key's secret differs from the one sent.
        case signatureMismatch
        /// `X-Amz-Date` is more than 5 minutes before the verifier's clock.
        case signatureExpired
        /// `X-Amz-Date` is more than 5 minutes after the verifier's clock.
        case signatureNotYetCurrent
        /// A presigned request used after `X-Amz-Date` + `X-Amz-Expires`.
        case presignedRequestExpired
    }

    /// What is wrong.
    public let code: Code
    /// The message, worded as AWS words it.
    public let message: String
    /// The error behind this one, if any (none of the verifier's checks has one today).
    public let underlying: (any Error)?

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The whole-request error a SigV4 service answers with: 400 for an incomplete signature and
    /// a request out of date, 403 otherwise (`aws-wire.md` §5.3).
    public var requestError: RequestError {
        switch code {
        case .missingAuthentication: .missingAuthenticationToken
        case .incompleteSignature, .malformedAuthorization, .hostNotSigned: .incompleteSignature
        case .unknownAccessKey, .sessionTokenMismatch: .unrecognizedClient
        case .credentialScopeMismatch, .payloadHashMismatch, .signatureMismatch: .invalidSignature
        case .signatureExpired, .signatureNotYetCurrent, .presignedRequestExpired: .signatureOutOfDate
        }
    }

    // MARK: The errors, with AWS's wording

    /// No `Authorization` header and no presigned query.
    public static let missingAuthentication = SigV4Error(.missingAuthentication, "Missing Authentication Token")

    /// The parts named in `missing` are absent.
    public static func incompleteSignature(missing: [String]) -> SigV4Error {
        SigV4Error(
            .incompleteSignature,
            missing.map { name in
                name == "X-Amz-Date"
                    ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                    : "Authorization header requires '\(name)' parameter."
            }.joined(separator: " "))
    }

    /// The `Authorization` value or presigned query is unreadable; `reason` names the part, never
    /// its value.
    public static func malformedAuthorization(_ reason: String) -> SigV4Error {
        SigV4Error(.malformedAuthorization, "Malformed Authorization: \(reason).")
    }

    /// The access key id is unknown.
    public static let unknownAccessKey = SigV4Error(
        .unknownAccessKey, "The security token included in the request is invalid.")

    /// The scope names something else than `reason` says it should.
    public static func credentialScopeMismatch(_ reason: String) -> SigV4Error {
        SigV4Error(.credentialScopeMismatch, "Credential should be scoped to \(reason).")
    }

    /// `host` is not signed.
    public static let hostNotSigned = SigV4Error(
        .hostNotSigned, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")

    /// The session token is missing, another, or not expected.
    public static let sessionTokenMismatch = SigV4Error(
        .sessionTokenMismatch, "The security token included in the request is invalid.")

    /// The declared payload hash is not the body's.
    public static let payloadHashMismatch = SigV4Error(
        .payloadHashMismatch, "The provided 'x-amz-content-sha256' header does not match what was computed.")

    /// The signature differs from the one recomputed.
    public static let signatureMismatch = SigV4Error(
        .signatureMismatch,
        "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")

    /// `signed` is more than 5 minutes before `now`.
    public static func signatureExpired(signed: SigningDate, now: SigningDate) -> SigV4Error {
        SigV4Error(
            .signatureExpired,
            "Signature expired: \(signed.amzDate) is now earlier than "
                + "\(now.adding(seconds: -SigV4.maximumClockSkewSeconds).amzDate) (\(now.amzDate) - 5 min.)")
    }

    /// `signed` is more than 5 minutes after `now`.
    public static func signatureNotYetCurrent(signed: SigningDate, now: SigningDate) -> SigV4Error {
        SigV4Error(
            .signatureNotYetCurrent,
            "Signature not yet current: \(signed.amzDate) is still later than "
                + "\(now.adding(seconds: SigV4.maximumClockSkewSeconds).amzDate) (\(now.amzDate) + 5 min.)")
    }

    /// A presigned request signed at `signed`, valid `expires` seconds, used at `now`.
    public static func presignedRequestExpired(signed: SigningDate, expires: Int64, now: SigningDate) -> SigV4Error {
        SigV4Error(
            .presignedRequestExpired,
            "Signature expired: \(signed.adding(seconds: expires).amzDate) is now earlier than \(now.amzDate).")
    }
}
