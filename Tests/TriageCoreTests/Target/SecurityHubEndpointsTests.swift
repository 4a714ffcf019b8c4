import Testing
import TriageCore

/// Region from the ProductArn, partitions, FIPS, overrides and their precedence, bad input.
@Suite struct SecurityHubEndpointsTests {
    private func rules(
        _ url: String? = nil, _ environment: [String: String] = [:], fips: Bool? = nil, region: String? = nil
    ) -> SecurityHubEndpointRules {
        SecurityHubEndpointRules(endpointURL: url, environment: environment, useFIPS: fips, forcedRegion: region)
    }

    @Test(arguments: [
        ("us-east-1", "securityhub.us-east-1.amazonaws.com", "securityhub-fips.us-east-1.amazonaws.com"),
        ("eu-west-3", "securityhub.eu-west-3.amazonaws.com", "securityhub-fips.eu-west-3.amazonaws.com"),
        ("cn-north-1", "securityhub.cn-north-1.amazonaws.com.cn", "securityhub-fips.cn-north-1.amazonaws.com.cn"),
        ("us-gov-west-1", "securityhub.us-gov-west-1.amazonaws.com", "securityhub-fips.us-gov-west-1.amazonaws.com"),
        ("us-iso-east-1", "securityhub.us-iso-east-1.c2s.ic.gov", "securityhub-fips.us-iso-east-1.c2s.ic.gov"),
        ("us-isob-east-1", "securityhub.us-isob-east-1.sc2s.sgov.gov", "securityhub-fips.us-isob-east-1.sc2s.sgov.gov"),
        (
            "eu-isoe-west-1", "securityhub.eu-isoe-west-1.cloud.adc-e.uk",
            "securityhub-fips.eu-isoe-west-1.cloud.adc-e.uk"
        ),
        (
            "us-isof-south-1", "securityhub.us-isof-south-1.csp.hci.ic.gov",
            "securityhub-fips.us-isof-south-1.csp.hci.ic.gov"
        ),
        ("eusc-de-east-1", "securityhub.eusc-de-east-1.amazonaws.eu", "securityhub-fips.eusc-de-east-1.amazonaws.eu"),
        // Not any partition's pattern: botocore falls back to aws.
        ("cn-north", "securityhub.cn-north.amazonaws.com", "securityhub-fips.cn-north.amazonaws.com"),
        ("local", "securityhub.local.amazonaws.com", "securityhub-fips.local.amazonaws.com"),
    ])
    func partitions(region: String, host: String, fipsHost: String) throws {
        let plain = try rules(fips: false).endpoint(forRegion: region)
        #expect(
            plain == SecurityHubEndpoint(scheme: "https", host: host, port: nil, basePath: "", signingRegion: region))
        #expect(plain.url == "https://\(host)")
        #expect(plain.hostHeader == host)
        #expect(try rules(fips: true).endpoint(forRegion: region).host == fipsHost)
    }

    @Test(
        arguments: [
            (nil, [:], false), (nil, ["AWS_USE_FIPS_ENDPOINT": "true"], true),
            (nil, ["AWS_USE_FIPS_ENDPOINT": "TRUE"], true),
            (nil, ["AWS_USE_FIPS_ENDPOINT": "false"], false), (nil, ["AWS_USE_FIPS_ENDPOINT": "1"], false),
            (false, ["AWS_USE_FIPS_ENDPOINT": "true"], false), (true, ["AWS_USE_FIPS_ENDPOINT": "false"], true),
            (true, [:], true),
        ] as [(Bool?, [String: String], Bool)])
    func theFlagBeatsTheEnvironmentForFIPS(flag: Bool?, environment: [String: String], fips: Bool) {
        #expect(rules(nil, environment, fips: flag).useFIPS == fips)
    }

    private static let service = "AWS_ENDPOINT_URL_SECURITYHUB"
    private static let global = "AWS_ENDPOINT_URL"
    private static let ignore = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"

    @Test(
        arguments: [
            ("http://flag:1", [service: "http://service:2", global: "http://global:3"], "flag"),
            (nil, [service: "http://service:2", global: "http://global:3"], "service"),
            (nil, [global: "http://global:3"], "global"),
            (nil, [service: "", global: "http://global:3"], "global"),
            (
                nil, [service: "http://service:2", global: "http://global:3", ignore: "true"],
                "securityhub.us-east-1.amazonaws.com"
            ),
            (nil, [service: "http://service:2", ignore: "TRUE"], "securityhub.us-east-1.amazonaws.com"),
            (nil, [service: "http://service:2", ignore: "false"], "service"),
            ("http://flag:1", [service: "http://service:2", ignore: "true"], "flag"),
            (nil, ["aws_endpoint_url_securityhub": "http://lower:4"], "securityhub.us-east-1.amazonaws.com"),
        ] as [(String?, [String: String], String)])
    func overridePrecedence(flag: String?, environment: [String: String], host: String) throws {
        let endpoint = try rules(flag, environment).endpoint(forRegion: "us-east-1")
        #expect(endpoint.host == host)
        #expect(endpoint.signingRegion == "us-east-1")
    }

    @Test(
        arguments: [
            ("http://127.0.0.1:4510", "http", "127.0.0.1", 4510, "", "http://127.0.0.1:4510", "127.0.0.1:4510"),
            ("https://example.com", "https", "example.com", nil, "", "https://example.com", "example.com"),
            ("https://example.com:443/", "https", "example.com", 443, "", "https://example.com:443", "example.com"),
            ("http://localhost:80/base/", "http", "localhost", 80, "/base", "http://localhost:80/base", "localhost"),
            (
                "HTTP://Local.Test:8443/a/b", "http", "local.test", 8443, "/a/b", "http://local.test:8443/a/b",
                "local.test:8443"
            ),
            ("http://[::1]:4510", "http", "[::1]", 4510, "", "http://[::1]:4510", "[::1]:4510"),
            ("https://[::1]", "https", "[::1]", nil, "", "https://[::1]", "[::1]"),
        ] as [(String, String, String, Int?, String, String, String)])
    func anOverrideReplacesSchemeHostPortAndPath(
        url: String, scheme: String, host: String, port: Int?, basePath: String, full: String, hostHeader: String
    ) throws {
        // FIPS is ignored with an override; the signing Region stays the finding's.
        let endpoint = try rules(url, fips: true).endpoint(forRegion: "eu-west-1")
        #expect(
            endpoint
                == SecurityHubEndpoint(
                    scheme: scheme, host: host, port: port, basePath: basePath, signingRegion: "eu-west-1"))
        #expect(endpoint.url == full)
        #expect(endpoint.hostHeader == hostHeader)
    }

    @Test(arguments: [
        "127.0.0.1:4510", "localhost", "ftp://host", "http://", "http:///path", "http://host:", "http://host:0",
        "http://host:65536", "http://host:12ab", "http://user@host", "http://host?x=1", "http://host#f",
        "http://[::1", "http://[::1]x", "http://ho st",
    ])
    func aMalformedOverrideIsAnError(url: String) {
        #expect(throws: CoreError.invalidEndpointURL(source: "--endpoint-url", url: url)) {
            try rules(url).endpoint(forRegion: "us-east-1")
        }
        #expect(throws: CoreError.invalidEndpointURL(source: "AWS_ENDPOINT_URL", url: url)) {
            try rules(nil, ["AWS_ENDPOINT_URL": url]).endpoint(forRegion: "us-east-1")
        }
    }

    @Test(
        arguments: [
            ("arn:aws:securityhub:us-east-1::product/aws/securityhub", "us-east-1"),
            ("arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default", "cn-north-1"),
            ("arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/guardduty", "us-gov-west-1"),
            ("arn:aws:securityhub:EU-WEST-1::product/x/y", "EU-WEST-1"),
            ("arn:aws:securityhub:evil.example.com/x::product/x/y", "evil.example.com/x"),
            ("arn:aws:securityhub:::product/aws/securityhub", nil),
            ("arn:aws:securityhub", nil),
            ("not-an-arn", nil),
            ("", nil),
            ("urn:aws:securityhub:us-east-1::product/aws/securityhub", nil),
        ] as [(String, String?)])
    func theRegionComesFromTheProductArn(arn: String, region: String?) {
        #expect(rules().region(forProductArn: arn) == region)
        #expect(rules(region: "eu-central-1").region(forProductArn: arn) == "eu-central-1")
    }

    @Test(arguments: [
        "EU-WEST-1", "evil.example.com/x", "us-east-1.attacker.com", "us-east-1@x", "-us-east-1", "us-east-1-", "",
        "us east 1", String(repeating: "a", count: 64), "us-east-1\u{0}", "ús-east-1",
    ])
    func aMalformedRegionIsAnError(region: String) {
        #expect(throws: CoreError.invalidRegion(region)) { try rules().endpoint(forRegion: region) }
        // Even with an override: the Region is signed and must be clean.
        #expect(throws: CoreError.invalidRegion(region)) {
            try rules("http://127.0.0.1:4510").endpoint(forRegion: region)
        }
    }

    @Test func theForcedRegionIsSignedWithAnOverride() throws {
        let rules = rules("http://127.0.0.1:4510", region: "ap-southeast-2")
        let region = try #require(rules.region(forProductArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub"))
        #expect(try rules.endpoint(forRegion: region).signingRegion == "ap-southeast-2")
    }
}
