import TriageCore

/// Reading one of the config's `roles`: `{"arn": "arn:aws:iam::222222222222:role/triage",
/// "trust": ["111111111111"]}`, with optional `externalId` (2 to 1224 characters of
/// `[\w+=,.@:/-]`), `maxSessionDuration` (3600 to 43200 seconds, 3600 by default, as IAM) and
/// `policies` (policy documents, as a credential's).
extension ServeRole {
    /// The members of a role.
    static let members = ["arn", "trust", "externalId", "maxSessionDuration", "policies"]

    /// The role at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object(allowed: Self.members)
        let arnNode = try object.required("arn")
        let arn = try arnNode.string()
        guard let (account, name) = Self.parse(arn: arn) else {
            throw arnNode.error("must be a role ARN such as arn:aws:iam::222222222222:role/triage")
        }
        let trustNode = try object.required("trust")
        var trust: Set<String> = []
        for element in try trustNode.array() {
            guard trust.insert(try element.accountId()).inserted else { throw element.error("listed twice") }
        }
        guard !trust.isEmpty else { throw trustNode.error("needs at least one account") }
        var externalId: String?
        if let externalIdNode = object.member("externalId") {
            let text = try externalIdNode.string()
            guard Self.isExternalId(text) else {
                throw externalIdNode.error("must be 2 to 1224 characters of letters, digits and _+=,.@:/-")
            }
            externalId = text
        }
        let maxSessionDuration =
            try object.member("maxSessionDuration")?.integer(in: Self.defaultMaxSessionDuration...43200)
            ?? Self.defaultMaxSessionDuration
        var policies: [AccessPolicy] = []
        if let policiesNode = object.member("policies") {
            for element in try policiesNode.array() {
                policies.append(try AccessPolicy(config: element))
            }
        }
        self.init(
            arn: arn, account: account, name: name, trust: trust, externalId: externalId,
            maxSessionDuration: maxSessionDuration, policies: policies)
    }

    /// Whether `text` is an external id STS accepts: 2 to 1224 characters of `[\w+=,.@:/-]`.
    static func isExternalId(_ text: String) -> Bool {
        (2...1224).contains(text.utf8.count)
            && text.utf8.allSatisfy { isIAMNameByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }
    }
}
