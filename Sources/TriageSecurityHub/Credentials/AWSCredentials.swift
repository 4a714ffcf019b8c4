import TriageCore
import TriageSigV4

/// Credentials with optional expiry; description never prints secret or token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id (`AKIA…` long-term, `ASIA…` temporary).
    public var accessKeyId: String
    /// The secret access key; never printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials; never printed.
    public var sessionToken: String?
    /// When the credentials stop working, epoch milliseconds; `nil` for long-term credentials.
    public var expiration: Int64?
    /// The account the credentials belong to, when the source says so.
    public var accountId: String?

    /// Credentials; `sessionToken` and `expiration` only for temporary ones.
    public init(
        accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil,
        accountId: String? = nil
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.accountId = accountId
    }

    /// The key id, secret and token in the form `TriageSigV4`'s signer takes.
    public var signing: SigV4Credentials {
        SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }

    /// The access key id, whether a token is present, the expiry and the account; never the secret or the token.
    public var description: String {
        let expiry = expiration.map { Timestamp.rfc3339(milliseconds: $0) } ?? "none"
        return "AWSCredentials(accessKeyId: \(accessKeyId), sessionToken: \(sessionToken == nil ? "none" : "present"), "
            + "expiration: \(expiry), accountId: \(accountId ?? "unknown"))"
    }
}
