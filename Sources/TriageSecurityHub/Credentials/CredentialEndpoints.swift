/// Where STS and the SSO portal are: the `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` overrides (ignored
/// with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else the Region's public endpoint (aws-wire.md §2).
package enum CredentialEndpoints {
    /// The STS endpoint and the Region its requests are signed for.
    package struct STS: Sendable, Equatable {
        /// The endpoint.
        package var url: CredentialURL
        /// The Region of the SigV4 scope: the configured Region, else `us-east-1` (the global endpoint's).
        package var signingRegion: String
    }

    /// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else `https://sts.<region>.amazonaws.com`
    /// (`.amazonaws.com.cn` for `cn-*`), else the global `https://sts.amazonaws.com`.
    package static func sts(_ context: CredentialContext) throws(SecurityHubError) -> STS {
        let region = context.region
        let signingRegion = region ?? "us-east-1"
        if let override = try self.override("STS", context) { return STS(url: override, signingRegion: signingRegion) }
        guard let region else {
            return STS(url: CredentialURL("https://sts.amazonaws.com")!, signingRegion: "us-east-1")
        }
        return STS(url: try publicURL("sts", region: region), signingRegion: region)
    }

    /// `AWS_ENDPOINT_URL_SSO`, else `AWS_ENDPOINT_URL`, else `https://portal.sso.<region>.amazonaws.com`.
    package static func ssoPortal(region: String, _ context: CredentialContext) throws(SecurityHubError)
        -> CredentialURL
    {
        if let override = try self.override("SSO", context) { return override }
        return try publicURL("portal.sso", region: region)
    }

    private static func override(_ service: String, _ context: CredentialContext) throws(SecurityHubError)
        -> CredentialURL?
    {
        let environment = context.environment
        if environment.flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") { return nil }
        for name in ["AWS_ENDPOINT_URL_\(service)", "AWS_ENDPOINT_URL"] {
            guard let text = environment.variable(name) else { continue }
            guard let url = CredentialURL(text) else {
                throw SecurityHubError(.invalidConfiguration, "\(name) is not an http(s) URL")
            }
            return url
        }
        return nil
    }

    private static func publicURL(_ prefix: String, region: String) throws(SecurityHubError) -> CredentialURL {
        let suffix = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        guard region.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }),
            let url = CredentialURL("https://\(prefix).\(region).\(suffix)")
        else { throw SecurityHubError(.invalidConfiguration, "the Region \(region) is not a Region name") }
        return url
    }
}
