/// The secret material a signer uses: access key id, secret access key and an optional session token.
///
/// `description` never prints the secret or the token.
public struct SigV4Credentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id (`AKID…`), sent in the credential scope.
    public var accessKeyId: String
    /// The secret access key; never sent, never printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    /// Credentials; `sessionToken` only for temporary credentials.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The access key id and whether a token is present; no secret.
    public var description: String {
        "SigV4Credentials(accessKeyId: \(accessKeyId), sessionToken: \(sessionToken == nil ? "none" : "present"))"
    }
}
