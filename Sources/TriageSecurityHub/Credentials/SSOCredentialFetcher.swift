import Crypto
import TriageCore
import TriageSigV4

/// A profile's IAM Identity Center role: the access token that `aws sso login` cached in
/// `~/.aws/sso/cache/<sha1 hex>.json` (of the `sso_session` name, or of `sso_start_url` for a legacy profile),
/// then `GET /federation/credentials?role_name=…&account_id=…` at the SSO portal with `x-amz-sso_bearer_token`.
package enum SSOCredentialFetcher {
    /// What the portal call needs.
    package struct Parameters: Sendable, Equatable {
        /// The profile that configured it.
        package var profile: String
        /// The key of the token cache file: the `sso_session` name, or the start URL for a legacy profile.
        package var cacheKey: String
        /// The portal's Region (`sso_region`).
        package var region: String
        /// `sso_account_id`.
        package var accountId: String
        /// `sso_role_name`.
        package var roleName: String

        /// The settings of `profile` (and its `[sso-session NAME]` section).
        /// - Throws: ``SecurityHubError`` naming the missing setting or section.
        package init(profile: SharedConfigFiles.Profile, files: SharedConfigFiles) throws(SecurityHubError) {
            let name = profile.name
            func required(_ key: String, _ settings: [String: String]? = nil, in place: String? = nil)
                throws(SecurityHubError) -> String
            {
                let value = settings.map { $0[key].flatMap { $0.isEmpty ? nil : $0 } } ?? profile[key]
                guard let value else {
                    throw SecurityHubError(.invalidConfiguration, "\(place ?? "profile \(name)") has no \(key)")
                }
                return value
            }
            self.profile = name
            if let session = profile["sso_session"] {
                guard let settings = files.ssoSessions[session] else {
                    throw SecurityHubError(
                        .invalidConfiguration,
                        "profile \(name): sso_session \(session) has no [sso-session \(session)] section in "
                            + files.configPath)
                }
                let place = "[sso-session \(session)]"
                _ = try required("sso_start_url", settings, in: place)
                region = try required("sso_region", settings, in: place)
                cacheKey = session
            } else {
                cacheKey = try required("sso_start_url")
                region = try required("sso_region")
            }
            accountId = try required("sso_account_id")
            roleName = try required("sso_role_name")
        }
    }

    /// The cache file name of `key`: the SHA-1 of its UTF-8 bytes in lower-case hex, then `.json`.
    package static func cacheFileName(_ key: String) -> String {
        SigV4Encoding.hex(Insecure.SHA1.hash(data: Array(key.utf8))) + ".json"
    }

    /// Reads the cached token and asks the portal for the role's credentials.
    package static func fetch(_ parameters: Parameters, context: CredentialContext) throws(SecurityHubError)
        -> AWSCredentials
    {
        let what = "profile \(parameters.profile) (sso)"
        let token = try cachedToken(parameters, context: context)
        let portal = try CredentialEndpoints.ssoPortal(region: parameters.region, context)
        let query =
            "role_name=\(SigV4Encoding.encode(parameters.roleName))&account_id=\(SigV4Encoding.encode(parameters.accountId))"
        var base = portal.target
        while base.hasSuffix("/") { base.removeLast() }
        let url = CredentialURL(portal.with(target: base + "/federation/credentials?" + query))!
        let response = try context.http.send(
            .GET, url, headers: [("x-amz-sso_bearer_token", token), ("Accept", "application/json")],
            timeoutMilliseconds: STSClient.timeoutMilliseconds, what: "\(what) GetRoleCredentials")
        guard response.status == 200 else {
            let hint = response.status == 401 || response.status == 403 ? "; run `aws sso login`" : ""
            throw SecurityHubError(
                .retrievalFailed, "\(what): the SSO portal answered HTTP \(response.status)\(hint)")
        }
        let role = try CredentialDocument(response.body, what: "the SSO portal's answer").object("roleCredentials")
        return AWSCredentials(
            accessKeyId: try role.requiredString("accessKeyId"),
            secretAccessKey: try role.requiredString("secretAccessKey"),
            sessionToken: try role.requiredString("sessionToken"), expiration: try role.integer("expiration"),
            accountId: parameters.accountId)
    }

    private static func cachedToken(_ parameters: Parameters, context: CredentialContext) throws(SecurityHubError)
        -> String
    {
        let path = context.environment.homeDirectory + "/.aws/sso/cache/" + cacheFileName(parameters.cacheKey)
        let login = "run `aws sso login --profile \(parameters.profile)`"
        guard let text = CredentialFile.readIfPresent(path) else {
            throw SecurityHubError(
                .invalidConfiguration, "profile \(parameters.profile): no SSO token in \(path); \(login)")
        }
        let cache = try CredentialDocument(Array(text.utf8), what: "the SSO token cache \(path)")
        let token = try cache.requiredString("accessToken")
        guard let expiresAt = try cache.time("expiresAt") else {
            throw SecurityHubError(.invalidConfiguration, "the SSO token cache \(path) has no expiresAt")
        }
        guard expiresAt > context.environment.now() else {
            throw SecurityHubError(
                .expired,
                "profile \(parameters.profile): the SSO token expired at \(Timestamp.rfc3339(milliseconds: expiresAt)); "
                    + login)
        }
        return token
    }
}
