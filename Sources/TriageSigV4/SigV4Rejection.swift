/// Why the verifier refused a request, with the AWS error name and HTTP status a SigV4 service answers.
///
/// Messages never contain a secret, a session token, a signature or a canonical request (which may hold a token).
public enum SigV4Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `Authorization` header and no presigned query.
    case missingAuthentication
    /// `Credential`, `SignedHeaders`, `Signature` or `X-Amz-Date` (the names in `missing`) is absent.
    case incompleteSignature(missing: [String])
    /// The `Authorization` value or presigned query is unreadable (algorithm, `key=value`, credential, date,
    /// expiry); the reason names the part, never its value.
    case malformedAuthorization(String)
    /// The access key id is unknown.
    case unknownAccessKey
    /// The credential scope names another date than `X-Amz-Date`, or another Region or service than the verifier's.
    case credentialScopeMismatch(String)
    /// `host` is not among the signed headers.
    case hostNotSigned
    /// The key has a session token and the request did not send it (signed), or sent another one, or sent one for a
    /// key without a token.
    case sessionTokenMismatch
    /// `x-amz-content-sha256` is neither `UNSIGNED-PAYLOAD` nor the SHA-256 of the body received.
    case payloadHashMismatch
    /// The signature recomputed with the key's secret differs from the one sent.
    case signatureMismatch
    /// `X-Amz-Date` is more than 5 minutes before `now`.
    case signatureExpired(signed: SigningDate, now: SigningDate)
    /// `X-Amz-Date` is more than 5 minutes after `now`.
    case signatureNotYetCurrent(signed: SigningDate, now: SigningDate)
    /// A presigned request used after `X-Amz-Date` + `X-Amz-Expires`.
    case presignedRequestExpired(signed: SigningDate, expires: Int64, now: SigningDate)

    /// The AWS error name (`x-amzn-ErrorType`).
    public var code: String {
        switch self {
        case .missingAuthentication: "MissingAuthenticationTokenException"
        case .incompleteSignature, .malformedAuthorization, .hostNotSigned: "IncompleteSignatureException"
        case .unknownAccessKey, .sessionTokenMismatch: "UnrecognizedClientException"
        case .credentialScopeMismatch, .payloadHashMismatch, .signatureMismatch, .signatureExpired,
            .signatureNotYetCurrent,
            .presignedRequestExpired:
            "InvalidSignatureException"
        }
    }

    /// The HTTP status: 400 for incomplete signatures and clock skew, 403 otherwise.
    public var httpStatus: Int {
        switch self {
        case .incompleteSignature, .malformedAuthorization, .hostNotSigned, .signatureExpired,
            .signatureNotYetCurrent, .presignedRequestExpired:
            400
        case .missingAuthentication, .unknownAccessKey, .credentialScopeMismatch, .sessionTokenMismatch,
            .payloadHashMismatch, .signatureMismatch:
            403
        }
    }

    /// The message, worded as AWS words it.
    public var description: String {
        switch self {
        case .missingAuthentication:
            return "Missing Authentication Token"
        case .incompleteSignature(let missing):
            return missing.map { name in
                name == "X-Amz-Date"
                    ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                    : "Authorization header requires '\(name)' parameter."
            }.joined(separator: " ")
        case .malformedAuthorization(let reason):
            return "Malformed Authorization: \(reason)."
        case .unknownAccessKey:
            return "The security token included in the request is invalid."
        case .credentialScopeMismatch(let reason):
            return "Credential should be scoped to \(reason)."
        case .hostNotSigned:
            return "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        case .sessionTokenMismatch:
            return "The security token included in the request is invalid."
        case .payloadHashMismatch:
            return "The provided 'x-amz-content-sha256' header does not match what was computed."
        case .signatureMismatch:
            return "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        case .signatureExpired(let signed, let now):
            return "Signature expired: \(signed.amzDate) is now earlier than "
                + "\(now.adding(seconds: -SigV4.maximumClockSkewSeconds).amzDate) (\(now.amzDate) - 5 min.)"
        case .signatureNotYetCurrent(let signed, let now):
            return "Signature not yet current: \(signed.amzDate) is still later than "
                + "\(now.adding(seconds: SigV4.maximumClockSkewSeconds).amzDate) (\(now.amzDate) + 5 min.)"
        case .presignedRequestExpired(let signed, let expires, let now):
            return "Signature expired: \(signed.adding(seconds: expires).amzDate) is now earlier than \(now.amzDate)."
        }
    }
}
