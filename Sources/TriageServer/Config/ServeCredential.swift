import TriageCore

/// One access key the server accepts: bound to one account, optionally with a session token
/// (which must then be sent, signed, as `X-Amz-Security-Token`), an expiry and IAM policies.
///
/// `description`, `debugDescription` and the mirror (`dump`) never show the secret access key or
/// the session token.
package struct ServeCredential: Sendable, Equatable {
    /// The access key id (`AKID...`, `test`).
    package var accessKeyId: String
    /// The secret the caller signs with. Never printed.
    package var secretAccessKey: String
    /// The 12-digit account the key belongs to.
    package var account: String
    /// The session token the key must be sent with, if any. Never printed.
    package var sessionToken: String?
    /// When the key stops working, epoch milliseconds (`ExpiredTokenException` from then on).
    package var expiresAt: Int64?
    /// The identity-based policies evaluated for every request of this key; none: all allowed.
    package var policies: [AccessPolicy]
    /// Who the key signs as: an IAM user for a key of the config, an assumed role for a session
    /// STS `AssumeRole` issued.
    package var identity: ServeIdentity

    /// A credential with every part given.
    package init(
        accessKeyId: String, secretAccessKey: String, account: String, sessionToken: String? = nil,
        expiresAt: Int64? = nil, policies: [AccessPolicy] = [], identity: ServeIdentity? = nil
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.account = account
        self.sessionToken = sessionToken
        self.expiresAt = expiresAt
        self.policies = policies
        self.identity = identity ?? .user(name: ServeIdentity.userName(forAccessKeyId: accessKeyId))
    }

    /// The ARN the key signs as (``ServeIdentity/arn(account:)``).
    package var arn: String { identity.arn(account: account) }
}

extension ServeCredential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `AKID (account 111111111111, session token, expires 2030-01-01T00:00:00.000Z, 1 policy)`:
    /// the secret and the token are never shown, only whether a token is required.
    package var description: String {
        var parts = ["account \(account)"]
        if case .assumedRole(let role, _, let session, _) = identity { parts.append("assumed-role \(role)/\(session)") }
        if sessionToken != nil { parts.append("session token") }
        if let expiresAt { parts.append("expires \(Timestamp.rfc3339(milliseconds: expiresAt))") }
        if !policies.isEmpty { parts.append(policies.count == 1 ? "1 policy" : "\(policies.count) policies") }
        return "\(accessKeyId) (\(parts.joined(separator: ", ")))"
    }

    /// The same as ``description``.
    package var debugDescription: String { description }

    /// The parts without the secret and the token (for `dump` and debuggers).
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "accessKeyId": accessKeyId, "account": account, "hasSessionToken": sessionToken != nil,
                "expiresAt": expiresAt as Any, "policies": policies, "identity": identity,
            ], displayStyle: .struct)
    }
}
