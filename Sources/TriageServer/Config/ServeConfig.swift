/// Everything `triage serve` decides requests by: the accounts, the credentials (with their
/// policies), the roles STS hands out, the finding aggregator, the quotas and the faults — read from `--config FILE` (``init(json:)``,
/// `ServeConfig+JSON.swift`) or, without one, ``defaultConfig``.
///
/// `description`, `debugDescription` and the mirror (`dump`) never show a secret access key or a
/// session token.
package struct ServeConfig: Sendable {
    /// The credentials, in the order of the file.
    package let credentials: [ServeCredential]
    /// Index into ``credentials`` by access key id (unique).
    private let credentialIndex: [String: Int]
    /// The accounts that may call, and what each reaches.
    package let accounts: AccountDirectory
    /// The quota of every operation (all three are always present).
    package let quotas: [ServeOperation: Quota]
    /// The faults to inject.
    package let faults: FaultConfig
    /// The roles STS `AssumeRole` may hand out.
    package let roles: RoleDirectory
    /// Whether this is ``defaultConfig`` (no `--config`).
    package let isDefault: Bool
    /// The cross-Region aggregation, if any: without one every Region keeps its findings apart.
    package let aggregator: FindingAggregator?

    /// A config of parts already checked (access key ids unique).
    init(
        credentials: [ServeCredential], accounts: AccountDirectory, quotas: [ServeOperation: Quota],
        faults: FaultConfig, roles: RoleDirectory, isDefault: Bool, aggregator: FindingAggregator? = nil
    ) {
        self.credentials = credentials
        credentialIndex = Dictionary(
            credentials.enumerated().map { ($1.accessKeyId, $0) }, uniquingKeysWith: { first, _ in first })
        self.accounts = accounts
        self.quotas = quotas
        self.faults = faults
        self.roles = roles
        self.isDefault = isDefault
        self.aggregator = aggregator
    }

    /// The account of the default credential.
    package static let defaultAccount = "000000000000"

    /// Without `--config`: one credential, access key `test`, secret `test`, account
    /// `000000000000`, which administers every account (every account is subscribed); Security
    /// Hub's quotas (`Quota.securityHubDefaults`); no faults; no policies; every role ARN may be
    /// assumed by `000000000000` (``RoleDirectory/everyRole(trusting:)``); no finding aggregator
    /// (each Region sees its own findings, as in a Security Hub account that never enabled one).
    package static var defaultConfig: ServeConfig {
        ServeConfig(
            credentials: [ServeCredential(accessKeyId: "test", secretAccessKey: "test", account: defaultAccount)],
            accounts: .everyAccount(administeredBy: defaultAccount), quotas: Quota.securityHubDefaults,
            faults: FaultConfig(), roles: .everyRole(trusting: defaultAccount), isDefault: true)
    }

    /// The credential of `accessKeyId`, nil for a key the config does not have.
    package func credential(accessKeyId: String) -> ServeCredential? {
        credentialIndex[accessKeyId].map { credentials[$0] }
    }
}

extension ServeConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// One line without secrets: the accounts, the credentials (`ServeCredential.description`),
    /// the roles, the aggregator, the quotas and the faults.
    package var description: String {
        let accountsText = accounts.accountIds.map { $0.joined(separator: ", ") } ?? "every account"
        let credentialsText = credentials.map(\.description).joined(separator: "; ")
        let quotasText = ServeOperation.allCases.map { operation in
            let quota = quotas[operation] ?? .unlimited
            return quota.rate > 0
                ? "\(operation.rawValue) \(quota.rate)/s burst \(quota.burst)" : "\(operation.rawValue) off"
        }.joined(separator: ", ")
        let faultsText =
            faults.drawsFaults || faults.latencyMs > 0
            ? "seed \(faults.seed), internal errors \(faults.internalErrorRate), dropped connections "
                + "\(faults.dropConnectionRate), unprocessed findings \(faults.unprocessedRate), latency "
                + "\(faults.latencyMs) ms"
            : "none"
        let rolesText =
            roles.roles.map { roles in
                roles.isEmpty
                    ? "none"
                    : roles.map { "\($0.arn) (trusts \($0.trust.sorted().joined(separator: ", ")))" }.joined(
                        separator: "; ")
            } ?? "any role, trusting \(Self.defaultAccount)"
        let aggregatorText =
            aggregator.map { aggregator in
                "\(aggregator.region) (\(aggregator.mode.rawValue)"
                    + (aggregator.regions.isEmpty ? "" : " \(aggregator.regions.joined(separator: ", "))") + ")"
            } ?? "none"
        return
            "accounts: \(accountsText); credentials: \(credentialsText); roles: \(rolesText); "
            + "aggregator: \(aggregatorText); quotas: \(quotasText); faults: \(faultsText)"
    }

    /// The same as ``description``.
    package var debugDescription: String { description }

    /// The parts, each credential through its own secret-free mirror.
    package var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "credentials": credentials, "accounts": accounts, "roles": roles, "aggregator": aggregator as Any,
                "quotas": quotas, "faults": faults, "isDefault": isDefault,
            ], displayStyle: .struct)
    }
}
