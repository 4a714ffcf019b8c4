import TriageCore

/// Reading one of the config's `credentials`.
///
/// `accessKeyId` 1...128 characters without whitespace, control characters, `/`, `,` or `=`
/// (they would break the `Credential=` of a SigV4 `Authorization` header); `secretAccessKey` and
/// `sessionToken` non-empty strings; `account` 12 digits (*Choice*: it need not be in
/// `accounts`: such a key is refused with `InvalidAccessException`, not subscribed, as
/// `docs/serve.md` lists); `expiresAt` an RFC 3339 date-time, allowed with or without a
/// session token; `policies` a list of policy documents.
extension ServeCredential {
    /// The members of a credential.
    static let members = ["accessKeyId", "secretAccessKey", "account", "sessionToken", "expiresAt", "policies"]

    /// The credential at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object(allowed: Self.members, holdsSecrets: true)
        let keyNode = try object.required("accessKeyId")
        let accessKeyId = try keyNode.nonEmptyString()
        guard accessKeyId.unicodeScalars.count <= 128,
            !accessKeyId.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || "/,=".unicodeScalars.contains($0)
            })
        else { throw keyNode.error("must be 1 to 128 characters without spaces, control characters, /, , or =") }
        let secretAccessKey = try object.required("secretAccessKey").nonEmptyString()
        let account = try object.required("account").accountId()
        let sessionToken = try object.member("sessionToken")?.nonEmptyString()
        var expiresAt: Int64?
        if let expiryNode = object.member("expiresAt") {
            guard let instant = FindingTimestamp(try expiryNode.string()) else {
                throw expiryNode.error("must be an RFC 3339 date-time such as 2030-01-01T00:00:00Z")
            }
            expiresAt = instant.seconds * 1000 + Int64(instant.nanoseconds / 1_000_000)
        }
        var policies: [AccessPolicy] = []
        if let policiesNode = object.member("policies") {
            for element in try policiesNode.array() {
                policies.append(try AccessPolicy(config: element))
            }
        }
        self.init(
            accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, account: account, sessionToken: sessionToken,
            expiresAt: expiresAt, policies: policies)
    }
}
