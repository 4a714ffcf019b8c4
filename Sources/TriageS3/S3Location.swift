/// An object's address, `s3://BUCKET/KEY`, split into its bucket and key.
package struct S3Location: Sendable, Equatable, CustomStringConvertible {
    /// The bucket's name.
    package let bucket: String
    /// The key, as given (not percent-encoded).
    package let key: String

    /// The location `url` names; nil when it is not `s3://BUCKET/KEY` with a bucket and a key.
    package init?(_ url: String) {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst("s3://".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let bucket = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        guard !bucket.isEmpty, !key.isEmpty else { return nil }
        self.bucket = bucket
        self.key = key
    }

    /// The same object's URL, `s3://BUCKET/KEY`.
    package var description: String { "s3://\(bucket)/\(key)" }

    /// Why `url` is not usable, for the error of a caller that got nil from ``init(_:)``.
    package static func problem(_ url: String) -> String {
        "not an S3 object URL: s3://BUCKET/KEY expected (a bucket and a key)"
    }
}
