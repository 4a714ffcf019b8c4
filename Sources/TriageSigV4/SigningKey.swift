import Crypto

/// The derived SigV4 signing key
/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
public struct SigningKey: Sendable, CustomStringConvertible {
    /// The key bytes (32); the type has no `description` of its own, so they are never printed by it.
    let bytes: [UInt8]

    /// `SigningKey(redacted)`: the key bytes are never printed.
    public var description: String { "SigningKey(redacted)" }

    /// Derives the signing key of `secretAccessKey` for `scope`.
    public init(secretAccessKey: String, scope: CredentialScope) {
        var key = SymmetricKey(data: Array(("AWS4" + secretAccessKey).utf8))
        for part in [scope.date, scope.region, scope.service, CredentialScope.terminator] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        self.bytes = key.withUnsafeBytes { Array($0) }
    }

    /// The lower-case hex HMAC-SHA256 of `stringToSign`: the signature.
    public func signature(of stringToSign: String) -> String {
        SigV4Encoding.hex(
            HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: SymmetricKey(data: bytes)))
    }

    /// The string to sign: `AWS4-HMAC-SHA256 \n amzDate \n scope \n hex(SHA-256(canonical request))`.
    public static func stringToSign(
        canonicalRequest: CanonicalRequest, date: SigningDate, scope: CredentialScope
    ) -> String {
        [SigV4.algorithm, date.amzDate, scope.description, canonicalRequest.hash].joined(separator: "\n")
    }
}
