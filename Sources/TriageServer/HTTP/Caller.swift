/// Who sent a request, once its signature is verified: the credential's account, the Region of its
/// credential scope, and what the account may reach (its accounts, and the Regions the config's
/// finding aggregator links to that Region).
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
    /// The config's finding aggregator, if any.
    package var aggregator: FindingAggregator? = nil

    /// The Regions whose findings the caller reads and updates: the signature's Region, and the
    /// linked Regions when it is the aggregation Region (`docs/serve.md`, Regions).
    package var visibleRegions: Set<String> { aggregator?.visibleRegions(signedFor: region) ?? [region] }
}
