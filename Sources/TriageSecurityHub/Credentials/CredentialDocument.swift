import TriageCore

/// A JSON answer of a credential source (container, IMDS, `credential_process`, SSO portal, SSO token cache),
/// read with TriageCore's checked-object reader (``JSONObjectReader``): its errors are
/// ``SecurityHubError/Code/retrievalFailed``, `<what>: <member>: <problem>` in the one wording of
/// ``JSONProblem``, and name the member, never a value (they are credentials). A member whose value is
/// `null` counts as absent; members not read are ignored.
package struct CredentialDocument: CustomStringConvertible {
    /// The object's members.
    private let object: JSONObjectReader<SecurityHubError>
    /// What the document is, for messages (`the container endpoint's answer`).
    package let what: String

    /// Parses `bytes`, which must be a JSON object (a parse error names the byte, not the reason,
    /// which could quote a character of a secret).
    package init(_ bytes: [UInt8], what: String) throws(SecurityHubError) {
        let node = try JSONNode.document(bytes, showingReason: false) { message in
            SecurityHubError(.retrievalFailed, JSONProblem.at(what, message))
        }
        try self.init(node, what: what)
    }

    /// The document around the object at `node`.
    private init(_ node: JSONNode<SecurityHubError>, what: String) throws(SecurityHubError) {
        self.object = try node.object(shape: what, nullIsAbsent: true)
        self.what = what
    }

    /// What the document is; never a value (they are credentials).
    package var description: String { "CredentialDocument(\(what))" }

    /// The string member `key`, or `nil` when absent or null.
    package func string(_ key: String) throws(SecurityHubError) -> String? {
        try object.string(key, required: false)
    }

    /// The string member `key`, which must be present and non-empty.
    package func requiredString(_ key: String) throws(SecurityHubError) -> String {
        try object.required(key).nonEmptyString()
    }

    /// The integer member `key`, or `nil` when absent or null.
    package func integer(_ key: String) throws(SecurityHubError) -> Int64? {
        try object.integer(key, required: false).map(Int64.init)
    }

    /// The object member `key`, which must be present.
    package func object(_ key: String) throws(SecurityHubError) -> CredentialDocument {
        try CredentialDocument(object.required(key), what: what)
    }

    /// The ISO 8601 date-time member `key` in epoch milliseconds, or `nil` when absent.
    package func time(_ key: String) throws(SecurityHubError) -> Int64? {
        guard let text = try string(key) else { return nil }
        guard let milliseconds = Self.epochMilliseconds(iso8601: text) else {
            throw object.error(key, "must be an ISO 8601 date-time")
        }
        return milliseconds
    }

    /// An RFC 3339 / ISO 8601 date-time (`2026-12-02T16:00:00Z`, with fraction or offset; also the `UTC` suffix
    /// older AWS CLIs wrote into the SSO cache) in epoch milliseconds.
    package static func epochMilliseconds(iso8601 text: String) -> Int64? {
        var text = text.trimmingWhitespace
        if text.hasSuffix("UTC") { text = String(text.dropLast(3)) + "Z" }
        if text.hasSuffix("+0000") { text = String(text.dropLast(5)) + "Z" }
        guard let instant = FindingTimestamp(text) else { return nil }
        return instant.seconds * 1000 + Int64(instant.nanoseconds / 1_000_000)
    }
}
