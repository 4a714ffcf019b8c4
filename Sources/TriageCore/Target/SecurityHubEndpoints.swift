/// The endpoint rules of the `securityhub` target: which Region a finding goes to, and that
/// Region's URL, as botocore 1.43.11 resolves them (`botocore/data/partitions.json`, the
/// Security Hub `endpoint-rule-set-1.json.gz`, `configprovider.py` for the overrides).
///
/// - Partitions (`partitions.json`, matched by each partition's `regionRegex`; any other valid
///   Region falls back to `aws`, as botocore does): `aws` `amazonaws.com`; `aws-cn` (`cn-*`)
///   `amazonaws.com.cn`; `aws-us-gov` (`us-gov-*`) `amazonaws.com`; `aws-iso` (`us-iso-*`)
///   `c2s.ic.gov`; `aws-iso-b` (`us-isob-*`) `sc2s.sgov.gov`; `aws-iso-e` (`eu-isoe-*`)
///   `cloud.adc-e.uk`; `aws-iso-f` (`us-isof-*`) `csp.hci.ic.gov`; `aws-eusc` (`eusc-de-*`)
///   `amazonaws.eu`. All support FIPS.
/// - Host `securityhub.<region>.<dnsSuffix>`, FIPS `securityhub-fips.<region>.<dnsSuffix>`;
///   FIPS from `--use-fips` when given, else `AWS_USE_FIPS_ENDPOINT=true` (case-insensitive).
/// - Override, first set wins: `--endpoint-url`, `AWS_ENDPOINT_URL_SECURITYHUB`,
///   `AWS_ENDPOINT_URL` (the two variables ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is
///   `true`; an empty variable counts as unset). It replaces scheme, host, port and path, FIPS
///   is then ignored (botocore ignores it too), and the signing Region stays the finding's.
///   A value without `http://` or `https://` is an error, as botocore's `Invalid endpoint`.
/// - A Region must be a DNS label of `[a-z0-9-]` (1-63, no leading or trailing hyphen), so an
///   ARN cannot put a dot, slash or `@` into the host.
public struct SecurityHubEndpointRules: Sendable {
    /// The override in force and where it came from, if any.
    let override: (source: String, url: String)?

    /// How reports name where requests go: the override in force, else the AWS endpoints'
    /// pattern (`https://securityhub[-fips].REGION.amazonaws.com`).
    public var label: String {
        override?.url ?? "https://securityhub\(useFIPS ? "-fips" : "").REGION.amazonaws.com"
    }
    /// Whether FIPS endpoints are used (without an override).
    public let useFIPS: Bool
    /// `--region`, which every finding goes to when given.
    public let forcedRegion: String?

    /// Rules from `--endpoint-url`, the process environment, `--use-fips` (nil: not given) and
    /// `--region`.
    public init(endpointURL: String?, environment: [String: String], useFIPS: Bool?, forcedRegion: String?) {
        func variable(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        let ignoreConfigured = variable("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() == "true"
        if let endpointURL {
            override = ("--endpoint-url", endpointURL)
        } else if !ignoreConfigured, let url = variable("AWS_ENDPOINT_URL_SECURITYHUB") {
            override = ("AWS_ENDPOINT_URL_SECURITYHUB", url)
        } else if !ignoreConfigured, let url = variable("AWS_ENDPOINT_URL") {
            override = ("AWS_ENDPOINT_URL", url)
        } else {
            override = nil
        }
        self.useFIPS = useFIPS ?? (variable("AWS_USE_FIPS_ENDPOINT")?.lowercased() == "true")
        self.forcedRegion = forcedRegion
    }

    /// The Region a finding goes to: `--region` when given, else the Region field of its
    /// `ProductArn` (`arn:PARTITION:securityhub:REGION:...`); nil when the ARN has none.
    /// The Region is not validated here: ``endpoint(forRegion:)`` does that.
    public func region(forProductArn productArn: String) -> String? {
        if let forcedRegion { return forcedRegion }
        return RegionName.field(ofArn: productArn).map(String.init)
    }

    /// The endpoint of `region`: the override's URL, or the partition's host.
    public func endpoint(forRegion region: String) throws(CoreError) -> SecurityHubEndpoint {
        guard Self.isValidRegion(region) else { throw .invalidRegion(region) }
        if let override {
            return try Self.parse(override.url, source: override.source, signingRegion: region)
        }
        let service = useFIPS ? "securityhub-fips" : "securityhub"
        return SecurityHubEndpoint(
            scheme: "https", host: "\(service).\(region).\(Self.dnsSuffix(forRegion: region))", port: nil,
            basePath: "", signingRegion: region)
    }
}

extension SecurityHubEndpointRules {
    /// The partition's DNS suffix for a valid Region (`partitions.json`).
    static func dnsSuffix(forRegion region: String) -> String {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        // Each partition's regionRegex is `^<prefix>-\w+-\d+$`: the prefix, a name, a number.
        func matches(_ prefix: [String]) -> Bool {
            parts.count == prefix.count + 2 && zip(parts, prefix).allSatisfy { $0 == $1 }
                && parts[parts.count - 1].allSatisfy(\.isASCIIDigit)
        }
        let partitions: [([String], String)] = [
            (["cn"], "amazonaws.com.cn"), (["eusc", "de"], "amazonaws.eu"), (["us", "iso"], "c2s.ic.gov"),
            (["us", "isob"], "sc2s.sgov.gov"), (["eu", "isoe"], "cloud.adc-e.uk"), (["us", "isof"], "csp.hci.ic.gov"),
            (["us", "gov"], "amazonaws.com"),
        ]
        return partitions.first { matches($0.0) }?.1 ?? "amazonaws.com"
    }

    /// Whether `region` is a Region name (``RegionName``).
    static func isValidRegion(_ region: String) -> Bool {
        RegionName(region) != nil
    }

    /// Parses `http(s)://host[:port][/path]`; no user info, query or fragment.
    static func parse(_ url: String, source: String, signingRegion: String) throws(CoreError)
        -> SecurityHubEndpoint
    {
        let invalid = CoreError.invalidEndpointURL(source: source, url: url)
        let scheme: String
        if url.lowercased().hasPrefix("https://") {
            scheme = "https"
        } else if url.lowercased().hasPrefix("http://") {
            scheme = "http"
        } else {
            throw invalid
        }
        let rest = url.dropFirst(scheme.count + 3)
        guard !rest.contains(where: { "?#@ \\".contains($0) }) else { throw invalid }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = Substring(authority)
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty, host.count <= 253 else { throw invalid }
        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
                let value = Int(portText), (1...65_535).contains(value)
            else { throw invalid }
            port = value
        }
        return SecurityHubEndpoint(
            scheme: scheme, host: host.lowercased(), port: port, basePath: path, signingRegion: signingRegion)
    }
}

extension Character {
    /// `0`-`9` only (not other Unicode digits).
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) && isASCII }
}
