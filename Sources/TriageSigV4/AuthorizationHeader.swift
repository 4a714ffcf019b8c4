/// The `Authorization` header value
/// `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`, formatted and parsed.
public struct AuthorizationHeader: Sendable, Equatable {
    /// The access key id of the credential.
    public var accessKeyId: String
    /// The credential scope.
    public var scope: CredentialScope
    /// The lower-case signed header names, in the order given.
    public var signedHeaders: [String]
    /// The hex signature as sent.
    public var signature: String

    /// A header from its parts.
    public init(accessKeyId: String, scope: CredentialScope, signedHeaders: [String], signature: String) {
        self.accessKeyId = accessKeyId
        self.scope = scope
        self.signedHeaders = signedHeaders
        self.signature = signature
    }

    /// The header value, as botocore writes it.
    public var value: String {
        "\(SigV4.algorithm) Credential=\(accessKeyId)/\(scope), SignedHeaders=\(signedHeaders.joined(separator: ";")), "
            + "Signature=\(signature)"
    }

    /// Parses an `Authorization` value. A component missing is reported in `missing` of
    /// `SigV4Error.incompleteSignature` (with `X-Amz-Date` when `hasDate` is false); a wrong algorithm, a
    /// part that is not `key=value` or a malformed credential is `SigV4Error.malformedAuthorization`.
    public static func parse(_ value: String, hasDate: Bool) throws(SigV4Error) -> AuthorizationHeader {
        let trimmed = CanonicalRequest.canonicalHeaderValue(value)
        guard trimmed == SigV4.algorithm || trimmed.hasPrefix(SigV4.algorithm + " ") else {
            throw .malformedAuthorization("unsupported algorithm (only \(SigV4.algorithm))")
        }
        var components: [String: String] = [:]
        for part in trimmed.dropFirst(SigV4.algorithm.count).split(separator: ",") {
            let part = part.trimmingSpaces
            if part.isEmpty { continue }
            guard let equals = part.firstIndex(of: "=") else {
                throw .malformedAuthorization("a component is not a key=value pair")
            }
            components[String(part[..<equals])] = String(part[part.index(after: equals)...])
        }
        var missing: [String] = []
        for name in ["Credential", "SignedHeaders", "Signature"] where components[name] == nil { missing.append(name) }
        if !hasDate { missing.append("X-Amz-Date") }
        guard missing.isEmpty, let credential = components["Credential"],
            let signedHeaders = components["SignedHeaders"],
            let signature = components["Signature"]
        else { throw .incompleteSignature(missing: missing) }
        let (accessKeyId, scope) = try parseCredential(credential)
        return AuthorizationHeader(
            accessKeyId: accessKeyId, scope: scope,
            signedHeaders: signedHeaders.split(separator: ";").map { $0.lowercased() }, signature: signature)
    }

    /// Parses `AKID/yyyyMMdd/region/service/aws4_request`. An empty Region is read (the verifier refuses it as
    /// AWS does, as a scope naming no valid Region).
    public static func parseCredential(_ credential: String) throws(SigV4Error) -> (String, CredentialScope) {
        let parts = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, !parts[0].isEmpty, parts[1].count == 8, parts[1].allSatisfy(\.isASCII),
            parts[1].allSatisfy(\.isNumber), !parts[3].isEmpty,
            parts[4] == CredentialScope.terminator
        else { throw .malformedAuthorization("the credential is not AKID/yyyyMMdd/region/service/aws4_request") }
        return (parts[0], CredentialScope(date: parts[1], region: parts[2], service: parts[3]))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
