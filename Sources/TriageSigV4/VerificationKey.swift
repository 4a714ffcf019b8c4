/// What the verifier needs to know about an access key: its secret and, for temporary credentials, the session
/// token the request must carry. `description` prints neither.
public struct VerificationKey: Sendable, Equatable, CustomStringConvertible {
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token the request must send (signed) as `X-Amz-Security-Token`; `nil` when none is allowed.
    public var sessionToken: String?

    /// A key; `sessionToken` for temporary credentials.
    public init(secretAccessKey: String, sessionToken: String? = nil) {
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Whether a token is configured; no secret.
    public var description: String {
        "VerificationKey(sessionToken: \(sessionToken == nil ? "none" : "present"))"
    }
}
