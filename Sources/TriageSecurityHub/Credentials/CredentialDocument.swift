import TriageCore

/// A JSON answer of a credential source (container, IMDS, `credential_process`, SSO portal, SSO token cache),
/// read with TriageCore's parser. Errors name the member, never a value.
package struct CredentialDocument: Sendable, CustomStringConvertible {
    /// The parsed object.
    package var value: JSONValue
    /// What the document is, for messages (`the container endpoint's answer`).
    package var what: String

    /// Parses `bytes`, which must be a JSON object.
    package init(_ bytes: [UInt8], what: String) throws(CredentialError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw CredentialError(.retrievalFailed, "\(what) is not JSON (at byte \(error.offset))")
        }
        guard case .object = value else {
            throw CredentialError(.retrievalFailed, "\(what) is not a JSON object")
        }
        self.init(value: value, what: what)
    }

    /// A document around an already parsed value.
    package init(value: JSONValue, what: String) {
        self.value = value
        self.what = what
    }

    /// What the document is; never a value (they are credentials).
    package var description: String { "CredentialDocument(\(what))" }

    /// The string member `key`, or `nil` when absent or null.
    package func string(_ key: String) throws(CredentialError) -> String? {
        switch value[key: key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw CredentialError(.retrievalFailed, "\(what): \(key) is a \(other.typeName), not a string")
        }
    }

    /// The string member `key`, which must be present and non-empty.
    package func requiredString(_ key: String) throws(CredentialError) -> String {
        guard let text = try string(key), !text.isEmpty else {
            throw CredentialError(.retrievalFailed, "\(what) has no \(key)")
        }
        return text
    }

    /// The integer member `key`, or `nil` when absent or null.
    package func integer(_ key: String) throws(CredentialError) -> Int64? {
        switch value[key: key] {
        case nil, .null?: return nil
        case .number(let number)?:
            guard let integer = number.intValue else {
                throw CredentialError(.retrievalFailed, "\(what): \(key) is not an integer")
            }
            return Int64(integer)
        case let other?: throw CredentialError(.retrievalFailed, "\(what): \(key) is a \(other.typeName), not a number")
        }
    }

    /// The object member `key`.
    package func object(_ key: String) throws(CredentialError) -> CredentialDocument {
        guard let member = value[key: key], case .object = member else {
            throw CredentialError(.retrievalFailed, "\(what) has no object \(key)")
        }
        return CredentialDocument(value: member, what: what)
    }

    /// The ISO 8601 date-time member `key` in epoch milliseconds, or `nil` when absent.
    package func time(_ key: String) throws(CredentialError) -> Int64? {
        guard let text = try string(key) else { return nil }
        guard let milliseconds = Self.epochMilliseconds(iso8601: text) else {
            throw CredentialError(.retrievalFailed, "\(what): \(key) is not an ISO 8601 date-time")
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
