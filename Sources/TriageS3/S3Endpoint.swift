import TriageSigV4

/// Where S3 requests go and how their paths are formed.
///
/// - `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (the SDKs' service-specific then global
///   override, e.g. `http://127.0.0.1:PORT` for a local S3): path-style addressing,
///   `ENDPOINT/BUCKET/KEY`, the form every S3 stand-in understands.
/// - Otherwise AWS: virtual-hosted style, `https://BUCKET.s3.REGION.amazonaws.com/KEY`; a bucket
///   whose name holds a dot (which a wildcard TLS certificate does not cover) path-style,
///   `https://s3.REGION.amazonaws.com/BUCKET/KEY`.
///
/// Keys are URI-encoded once, by S3's rule: every byte but the unreserved ones and `/` as `%XY`;
/// the canonical request of the signature uses that same path (S3 is the service whose paths are
/// neither normalised nor encoded twice).
package struct S3Endpoint: Sendable, Equatable {
    /// `http` or `https`.
    package let scheme: String
    /// The override's `HOST[:PORT]`; nil for AWS's own endpoints.
    package let overrideHost: String?
    /// The override's path prefix (without a trailing slash), usually empty.
    package let overridePath: String
    /// The Region requests are signed for.
    package let region: String

    /// One request's target: the URL to send to, the `Host` header, and the decoded path the
    /// signer encodes into the canonical URI.
    package struct Target: Sendable, Equatable {
        /// The whole URL, path percent-encoded.
        package var url: String
        /// `HOST[:PORT]`, as sent and signed.
        package var host: String
        /// The path before encoding (`/BUCKET/KEY` or `/KEY`).
        package var signingPath: String
        /// The path as sent (encoded once).
        package var wirePath: String

        /// A target as given.
        package init(url: String, host: String, signingPath: String, wirePath: String) {
            self.url = url
            self.host = host
            self.signingPath = signingPath
            self.wirePath = wirePath
        }
    }

    /// The endpoint for `environment` and `region` (nil: `AWS_REGION`, then `AWS_DEFAULT_REGION`,
    /// then `us-east-1`). Throws the reason when an override is not `http(s)://HOST[:PORT][/PATH]`.
    package init(environment: [String: String], region: String?) throws(S3Failure) {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        self.region = region ?? variable("AWS_REGION") ?? variable("AWS_DEFAULT_REGION") ?? "us-east-1"
        let (name, override): (String, String?) =
            if let value = variable("AWS_ENDPOINT_URL_S3") { ("AWS_ENDPOINT_URL_S3", value) } else {
                ("AWS_ENDPOINT_URL", variable("AWS_ENDPOINT_URL"))
            }
        guard let override else {
            (scheme, overrideHost, overridePath) = ("https", nil, "")
            return
        }
        guard let separator = override.range(of: "://") else {
            throw S3Failure(detail: "\(name) must be http://HOST[:PORT] or https://HOST[:PORT], not \(override)")
        }
        let scheme = String(override[..<separator.lowerBound]).lowercased()
        let rest = override[separator.upperBound...]
        let host = String(rest.prefix { $0 != "/" && $0 != "?" })
        guard scheme == "http" || scheme == "https", !host.isEmpty else {
            throw S3Failure(detail: "\(name) must be http://HOST[:PORT] or https://HOST[:PORT], not \(override)")
        }
        var path = String(rest.dropFirst(host.count).prefix { $0 != "?" })
        while path.hasSuffix("/") { path.removeLast() }
        (self.scheme, overrideHost, overridePath) = (scheme, host, path)
    }

    /// The target of a request on the object `key` of `bucket` (nil: the bucket itself).
    package func target(bucket: String, key: String?) -> Target {
        let host: String
        var signingPath: String
        if let overrideHost {
            host = overrideHost
            signingPath = overridePath + "/" + bucket
            if let key { signingPath += "/" + key }
        } else if bucket.contains(".") {
            host = "s3.\(region).amazonaws.com"
            signingPath = "/" + bucket + (key.map { "/" + $0 } ?? "")
        } else {
            host = "\(bucket).s3.\(region).amazonaws.com"
            signingPath = "/" + (key ?? "")
        }
        let wirePath = SigV4Encoding.encode(signingPath, keepSlash: true)
        return Target(url: "\(scheme)://\(host)\(wirePath)", host: host, signingPath: signingPath, wirePath: wirePath)
    }

    /// The endpoint as messages name it: the override, or `s3.REGION.amazonaws.com`.
    package var label: String {
        overrideHost.map { "\(scheme)://\($0)\(overridePath)" } ?? "https://s3.\(region).amazonaws.com"
    }
}
