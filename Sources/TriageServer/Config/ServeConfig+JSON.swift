import TriageCore

/// Reading `--config FILE` (`docs/serve.md`, config file).
///
/// The document is parsed by the strict JSON parser (invalid UTF-8, duplicate members and
/// trailing garbage are errors). Top-level members: `accounts` and `credentials` (required),
/// `quotas` and `faults` (optional; an operation missing from `quotas` keeps Security Hub's
/// default quota, a missing `faults` injects none). Every object's member names are checked, so
/// a typo is an error naming the member's path, with a did-you-mean where one is near.
extension ServeConfig {
    /// The top-level members.
    static let members = ["accounts", "credentials", "quotas", "faults"]

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
            faults: try FaultConfig(config: root.member("faults")), isDefault: false)
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
