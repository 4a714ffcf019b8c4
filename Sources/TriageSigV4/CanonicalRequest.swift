import Crypto

/// The SigV4 canonical request, built the same way by the signer and the verifier:
///
/// `METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n \n SignedHeaders \n PayloadHash`.
public struct CanonicalRequest: Sendable, Equatable {
    /// How the canonical URI is formed from the wire path.
    public struct Options: Sendable, Equatable {
        /// Remove dot segments and collapse repeated slashes (every service but S3).
        public var normalizePath: Bool

        /// Normalised paths, as every service but S3 expects.
        public init(normalizePath: Bool = true) {
            self.normalizePath = normalizePath
        }
    }

    /// The lower-case names of the signed headers, sorted, without repeats.
    public let signedHeaders: [String]
    /// The hex SHA-256 of the body, or the `x-amz-content-sha256` value (for example `UNSIGNED-PAYLOAD`).
    public let payloadHash: String
    /// The whole canonical request text.
    public let text: String

    /// The value of `SignedHeaders`: the names joined with `;`.
    public var signedHeadersValue: String { signedHeaders.joined(separator: ";") }

    /// The canonical request of `request`, signing the headers named in `signedHeaders` (any case) and leaving
    /// out the query parameters named in `excludingQueryNames` (the presigned `X-Amz-Signature`).
    public init(
        request: SigV4Request, signedHeaders names: some Sequence<String>, excludingQueryNames: Set<String> = [],
        options: Options = Options()
    ) {
        let signed = Array(Set(names.map { $0.lowercased() })).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.signedHeaders = signed
        self.payloadHash = Self.payloadHash(of: request)
        var lines: [String] = [
            request.method,
            Self.canonicalURI(request.path, options: options),
            Self.canonicalQuery(request.query, excluding: excludingQueryNames),
        ]
        for name in signed {
            lines.append(name + ":" + request.values(of: name).map(Self.canonicalHeaderValue).joined(separator: ","))
        }
        lines.append("")
        lines.append(signed.joined(separator: ";"))
        lines.append(payloadHash)
        self.text = lines.joined(separator: "\n")
    }

    /// The hex SHA-256 of the canonical request text (the last line of the string to sign).
    public var hash: String {
        SigV4Encoding.hex(SHA256.hash(data: Array(text.utf8)))
    }

    /// The payload hash: the `x-amz-content-sha256` header when present, else the hex SHA-256 of the body.
    public static func payloadHash(of request: SigV4Request) -> String {
        if let declared = request.firstValue(of: "x-amz-content-sha256") {
            return canonicalHeaderValue(declared)
        }
        return SigV4Encoding.hex(SHA256.hash(data: request.body))
    }

    /// The canonical URI: the wire path (empty is `/`), dot segments removed when normalising, then every byte
    /// outside the unreserved set and `/` percent-encoded — so an already encoded `%20` becomes `%2520`.
    public static func canonicalURI(_ path: String, options: Options = Options()) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath { path = removeDotSegments(path) }
        return SigV4Encoding.encode(path, keepSlash: true)
    }

    /// The canonical query: each `name=value` pair decoded and re-encoded strictly, sorted by name then value (byte
    /// order); a name without `=` gets an empty value; empty pairs are dropped.
    public static func canonicalQuery(_ query: String, excluding: Set<String> = []) -> String {
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = part.firstIndex(of: "=") {
                name = part[..<equals]
                value = part[part.index(after: equals)...]
            } else {
                name = part
                value = ""
            }
            let decodedName = SigV4Encoding.decode(name)
            if excluding.contains(decodedName) { continue }
            pairs.append((SigV4Encoding.encode(decodedName), SigV4Encoding.encode(SigV4Encoding.decode(value))))
        }
        pairs.sort { lhs, rhs in
            lhs.0 == rhs.0
                ? lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8) : lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8)
        }
        return pairs.map { $0.0 + "=" + $0.1 }.joined(separator: "&")
    }

    /// A header value trimmed, with every run of whitespace (spaces, tabs, folded line breaks) made one space.
    public static func canonicalHeaderValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .joined(separator: " ")
    }

    /// RFC 3986 dot-segment removal as botocore does it: empty and `.` segments dropped, `..` pops; the leading
    /// slash and a trailing slash (when segments remain) are kept.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }
}
