import TriageCore

/// Reading `--config FILE` (`docs/serve.md`, config file).
///
/// The document is parsed by the strict JSON parser (invalid UTF-8, duplicate members and
/// trailing garbage are errors). Top-level members: `accounts` and `credentials` (required),
/// `roles`, `aggregator`, `quotas` and `faults` (optional; no `roles`: STS `AssumeRole` is always
/// refused, no `aggregator`: every Region sees only its own findings, an operation missing from
/// `quotas` keeps Security Hub's default quota, a missing `faults` injects none). Every object's member names are checked, so
/// a typo is an error naming the member's path, with a did-you-mean where one is near.
extension ServeConfig {
    /// The top-level members.
    static let members = ["accounts", "credentials", "roles", "aggregator", "quotas", "faults"]

    /// The config in `bytes`, a JSON document.
    /// - Throws: ``ServerError`` (``ServerError/Code/config``), whose message names the offending
    ///   member and never contains a secret access key or session token.
    package init(json bytes: [UInt8]) throws(ServerError) {
        let document = try ConfigNode.config(bytes)
        do {
            try self.init(document: document)
        } catch {
            // Messages quote member names, and a secret pasted as a name would show: take out
            // every secret and token of the document, whatever the message.
            throw error.redacting(Self.secrets(in: document.value))
        }
    }

    /// The config in the parsed document.
    private init(document: ConfigNode) throws(ServerError) {
        let root = try document.object(allowed: Self.members)
        let accounts = try AccountDirectory(config: try root.required("accounts"))
        let credentialsNode = try root.required("credentials")
        var credentials: [ServeCredential] = []
        var keyPaths: [String: String] = [:]
        for element in try credentialsNode.array() {
            let credential = try ServeCredential(config: element)
            let keyPath = JSONProblem.path(element.path, "accessKeyId")
            if let earlier = keyPaths[credential.accessKeyId] {
                throw ServerError(configAt: keyPath, "access key id \(credential.accessKeyId) is already \(earlier)")
            }
            keyPaths[credential.accessKeyId] = keyPath
            credentials.append(credential)
        }
        guard !credentials.isEmpty else { throw credentialsNode.error("needs at least one credential") }
        self.init(
            credentials: credentials, accounts: accounts, quotas: try Quota.table(config: root.member("quotas")),
            faults: try FaultConfig(config: root.member("faults")), roles: try Self.roles(config: root.member("roles")),
            isDefault: false,
            aggregator: try root.member("aggregator").map { node throws(ServerError) in
                try FindingAggregator(config: node)
            })
    }

    /// The `roles` at `node` (none when absent), each ARN once.
    private static func roles(config node: ConfigNode?) throws(ServerError) -> RoleDirectory {
        guard let node else { return RoleDirectory([]) }
        var roles: [ServeRole] = []
        var arnPaths: [String: String] = [:]
        for element in try node.array() {
            let role = try ServeRole(config: element)
            let arnPath = JSONProblem.path(element.path, "arn")
            if let earlier = arnPaths[role.arn] {
                throw ServerError(configAt: arnPath, "role \(role.arn) is already \(earlier)")
            }
            arnPaths[role.arn] = arnPath
            roles.append(role)
        }
        return RoleDirectory(roles)
    }

    /// Every string under a member named `secretAccessKey` or `sessionToken`, at any depth.
    static func secrets(in value: JSONValue) -> [String] {
        var secrets: [String] = []
        var pending: [(value: JSONValue, isSecret: Bool)] = [(value, false)]
        while let (value, isSecret) = pending.popLast() {
            switch value {
            case .string(let text) where isSecret: secrets.append(text)
            case .array(let elements): pending += elements.map { ($0, isSecret) }
            case .object(let members):
                pending += members.map {
                    ($0.value, isSecret || $0.key == "secretAccessKey" || $0.key == "sessionToken")
                }
            default: break
            }
        }
        return secrets
    }
}
