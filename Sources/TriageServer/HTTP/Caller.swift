/// Who sent a request, once its signature is verified: the credential's account, the Region of its
/// credential scope, and what the account may reach.
package struct Caller: Sendable {
    /// The access key id (never its secret).
    package var accessKeyId: String
    /// The account the key is bound to.
    package var account: String
    /// The Region of the signature's credential scope (quotas are per account and Region).
    package var region: String
    /// The key's credential (its policies).
    package var credential: ServeCredential
    /// The accounts whose findings the caller may read, update and import; nil for every account.
    package var reachableAccounts: Set<String>?
}
