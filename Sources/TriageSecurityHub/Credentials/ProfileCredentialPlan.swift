/// How a profile yields credentials, resolved from the shared files before anything is fetched: the kinds
/// botocore knows, in its order of precedence within one profile, with `source_profile` chains followed.
///
/// Precedence: `role_arn` with `source_profile` or `credential_source` (assume-role); `role_arn` with
/// `web_identity_token_file`; `sso_session` or `sso_start_url`; static keys of the credentials file;
/// `credential_process`; static keys of the config file.
package indirect enum ProfileCredentialPlan: Sendable, Equatable, CustomStringConvertible {
    /// `role_arn` and what `AssumeRole` needs.
    package struct AssumeRole: Sendable, Equatable {
        /// The role to assume.
        package var roleArn: String
        /// `role_session_name`; `nil` for `triage-<epoch seconds>`.
        package var sessionName: String?
        /// `external_id`.
        package var externalId: String?
        /// `duration_seconds`.
        package var durationSeconds: Int?
    }

    /// Where `credential_source` takes the source credentials from.
    package enum CredentialSourceKind: String, Sendable, Equatable {
        /// `Environment`: the environment variables.
        case environment = "Environment"
        /// `EcsContainer`: the container endpoint.
        case container = "EcsContainer"
        /// `Ec2InstanceMetadata`: IMDS.
        case instanceMetadata = "Ec2InstanceMetadata"
    }

    /// `aws_access_key_id`, `aws_secret_access_key` [, `aws_session_token`, `aws_account_id`].
    case staticKeys(AWSCredentials)
    /// `AssumeRole` with the credentials of `source`.
    case assumeRole(AssumeRole, source: ProfileCredentialPlan)
    /// `AssumeRole` with the credentials of a `credential_source`.
    case assumeRoleFrom(AssumeRole, credentialSource: CredentialSourceKind)
    /// `AssumeRoleWithWebIdentity`.
    case webIdentity(WebIdentityCredentialSource.Parameters)
    /// `credential_process`.
    case process(CredentialProcess)
    /// The SSO portal with a token of the `aws sso login` cache.
    case sso(SSOCredentialFetcher.Parameters)

    /// The kind, as the source name shows it: `static`, `assume-role`, `web-identity`, `credential-process`, `sso`.
    package var kind: String {
        switch self {
        case .staticKeys: "static"
        case .assumeRole, .assumeRoleFrom: "assume-role"
        case .webIdentity: "web-identity"
        case .process: "credential-process"
        case .sso: "sso"
        }
    }

    /// The kind and, for assume-role, the role and the source's kind; never a key.
    package var description: String {
        switch self {
        case .assumeRole(let role, let source): "assume-role \(role.roleArn) from \(source)"
        case .assumeRoleFrom(let role, let kind): "assume-role \(role.roleArn) from \(kind.rawValue)"
        default: kind
        }
    }

    /// The plan of profile `name`, or `nil` when it has no credential settings.
    /// - Throws: ``SecurityHubError`` for a `source_profile` cycle, a missing source profile, `mfa_serial`, a bad
    ///   `credential_source` or an incomplete setting.
    package static func resolve(
        _ name: String, in files: SharedConfigFiles, home: String
    ) throws(SecurityHubError) -> ProfileCredentialPlan? {
        guard let profile = files.profile(name) else { return nil }
        return try resolve(profile, in: files, home: home, chain: [])
    }

    private static func resolve(
        _ profile: SharedConfigFiles.Profile, in files: SharedConfigFiles, home: String, chain: [String]
    ) throws(SecurityHubError) -> ProfileCredentialPlan? {
        let name = profile.name
        let chain = chain + [name]
        if let roleArn = profile["role_arn"], profile["source_profile"] != nil || profile["credential_source"] != nil {
            return try assumeRole(profile, roleArn: roleArn, in: files, home: home, chain: chain)
        }
        if let roleArn = profile["role_arn"], let tokenFile = profile["web_identity_token_file"] {
            return .webIdentity(
                .init(
                    roleArn: roleArn, tokenFile: CredentialContext.expandingTilde(tokenFile, home: home),
                    sessionName: profile["role_session_name"]))
        }
        if profile["sso_session"] != nil || profile["sso_start_url"] != nil {
            return .sso(try SSOCredentialFetcher.Parameters(profile: profile, files: files))
        }
        if profile.credentials["aws_access_key_id"] != nil, let keys = try staticKeys(profile, profile.credentials) {
            return .staticKeys(keys)
        }
        if let command = profile["credential_process"] {
            return .process(CredentialProcess(command: command, profile: name))
        }
        if let keys = try staticKeys(profile, profile.config) { return .staticKeys(keys) }
        if profile["role_arn"] != nil {
            throw SecurityHubError(
                .invalidConfiguration,
                "profile \(name) sets role_arn without source_profile, credential_source or web_identity_token_file")
        }
        return nil
    }

    private static func assumeRole(
        _ profile: SharedConfigFiles.Profile, roleArn: String, in files: SharedConfigFiles, home: String,
        chain: [String]
    ) throws(SecurityHubError) -> ProfileCredentialPlan {
        let name = profile.name
        if profile["mfa_serial"] != nil {
            throw SecurityHubError(
                .invalidConfiguration,
                "profile \(name) sets mfa_serial: a batch job cannot prompt for an MFA code; use a role without MFA "
                    + "or run with credentials from `aws sts assume-role` in the environment")
        }
        var durationSeconds: Int?
        if let text = profile["duration_seconds"] {
            guard let seconds = Int(text), seconds > 0 else {
                throw SecurityHubError(
                    .invalidConfiguration, "profile \(name): duration_seconds is not a number of seconds")
            }
            durationSeconds = seconds
        }
        let role = AssumeRole(
            roleArn: roleArn, sessionName: profile["role_session_name"], externalId: profile["external_id"],
            durationSeconds: durationSeconds)
        switch (profile["source_profile"], profile["credential_source"]) {
        case (_?, _?):
            throw SecurityHubError(
                .invalidConfiguration, "profile \(name) sets both source_profile and credential_source")
        case (nil, let source?):
            guard let kind = CredentialSourceKind(rawValue: source) else {
                throw SecurityHubError(
                    .invalidConfiguration,
                    "profile \(name): credential_source \(source) is not Environment, EcsContainer or Ec2InstanceMetadata"
                )
            }
            return .assumeRoleFrom(role, credentialSource: kind)
        case (let sourceName?, nil):
            if sourceName == name {
                // botocore: a profile may name itself as source_profile when it also holds static keys.
                let fromCredentials = try staticKeys(profile, profile.credentials)
                let fromConfig = fromCredentials == nil ? try staticKeys(profile, profile.config) : nil
                guard let keys = fromCredentials ?? fromConfig else {
                    throw cycle(chain + [name])
                }
                return .assumeRole(role, source: .staticKeys(keys))
            }
            if chain.contains(sourceName) { throw cycle(chain + [sourceName]) }
            guard let source = files.profile(sourceName) else {
                throw SecurityHubError(
                    .invalidConfiguration, "profile \(name): source_profile \(sourceName) is in neither shared file")
            }
            guard let plan = try resolve(source, in: files, home: home, chain: chain) else {
                throw SecurityHubError(
                    .invalidConfiguration, "profile \(name): source_profile \(sourceName) has no credentials")
            }
            return .assumeRole(role, source: plan)
        case (nil, nil):
            preconditionFailure("assumeRole needs source_profile or credential_source")
        }
    }

    private static func cycle(_ names: [String]) -> SecurityHubError {
        SecurityHubError(
            .invalidConfiguration, "source_profile cycle: " + names.joined(separator: " -> "))
    }

    private static func staticKeys(
        _ profile: SharedConfigFiles.Profile, _ settings: [String: String]
    ) throws(SecurityHubError) -> AWSCredentials? {
        func setting(_ key: String) -> String? { settings[key].flatMap { $0.isEmpty ? nil : $0 } }
        guard let keyId = setting("aws_access_key_id") else { return nil }
        guard let secret = setting("aws_secret_access_key") else {
            throw SecurityHubError(
                .invalidConfiguration, "profile \(profile.name) has aws_access_key_id but no aws_secret_access_key")
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret,
            sessionToken: setting("aws_session_token") ?? setting("aws_security_token"),
            accountId: setting("aws_account_id"))
    }
}
