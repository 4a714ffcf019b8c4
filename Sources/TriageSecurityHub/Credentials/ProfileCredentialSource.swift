/// The selected profile of the shared files (`--profile`, else `AWS_PROFILE`, else `default`) as
/// ``ProfileCredentialPlan`` resolves it. A named profile in neither file is an error; a missing `default` or a
/// profile without credential settings is skipped.
package struct ProfileCredentialSource: CredentialSource {
    private let context: CredentialContext
    private let plan: Result<ProfileCredentialPlan?, SecurityHubError>

    /// The source of `context`'s profile; the plan is resolved here (no request is made).
    package init(context: CredentialContext) {
        self.context = context
        let name = context.profileName
        let named = context.profileNamed
        let home = context.environment.homeDirectory
        plan = Result { () throws(SecurityHubError) -> ProfileCredentialPlan? in
            let files = try context.files.get()
            guard files.profile(name) != nil else {
                guard !named else {
                    throw SecurityHubError(
                        .invalidConfiguration,
                        "the profile \(name) is in neither \(files.configPath) nor \(files.credentialsPath)")
                }
                return nil
            }
            return try ProfileCredentialPlan.resolve(name, in: files, home: home)
        }
    }

    /// `profile NAME (kind)` once the plan is known, else `profile NAME`.
    package var name: String {
        guard case .success(let plan?) = plan else { return "profile \(context.profileName)" }
        return "profile \(context.profileName) (\(plan.kind))"
    }

    /// Set when the files were read and the profile (not named explicitly) does not exist or has no credential
    /// settings.
    package var skipReason: String? {
        guard case .success(nil) = plan, let files = try? context.files.get() else { return nil }
        if files.profile(context.profileName) == nil {
            return "no such profile in \(files.configPath) or \(files.credentialsPath)"
        }
        return "the profile has no credential settings"
    }

    /// Fetches the plan, or throws why it could not be made (missing named profile, cycle, `mfa_serial`, ...).
    package func fetch() throws(SecurityHubError) -> AWSCredentials {
        guard let plan = try plan.get() else { throw SecurityHubError(.invalidConfiguration, skipReason ?? "") }
        return try Self.fetch(plan, context: context)
    }

    /// Fetches `plan`'s credentials: the source credentials first for an assume-role step.
    package static func fetch(_ plan: ProfileCredentialPlan, context: CredentialContext) throws(SecurityHubError)
        -> AWSCredentials
    {
        switch plan {
        case .staticKeys(let credentials):
            return credentials
        case .assumeRole(let role, let source):
            return try assumeRole(role, with: fetch(source, context: context), context: context)
        case .assumeRoleFrom(let role, let kind):
            let source: any CredentialSource =
                switch kind {
                case .environment: EnvironmentCredentialSource(context: context, ignoringProfile: true)
                case .container: ContainerCredentialSource(context: context)
                case .instanceMetadata: InstanceMetadataCredentialSource(context: context)
                }
            if let reason = source.skipReason {
                throw SecurityHubError(.invalidConfiguration, "credential_source \(kind.rawValue): \(reason)")
            }
            let credentials: AWSCredentials
            do {
                credentials = try source.fetch()
            } catch {
                throw error.prefixed("credential_source \(kind.rawValue)")
            }
            return try assumeRole(role, with: credentials, context: context)
        case .webIdentity(let parameters):
            return try WebIdentityCredentialSource.fetch(parameters, context: context)
        case .process(let process):
            return try process.fetch(environment: context.environment)
        case .sso(let parameters):
            return try SSOCredentialFetcher.fetch(parameters, context: context)
        }
    }

    private static func assumeRole(
        _ role: ProfileCredentialPlan.AssumeRole, with credentials: AWSCredentials, context: CredentialContext
    ) throws(SecurityHubError) -> AWSCredentials {
        try STSClient(context: context).assumeRole(
            roleArn: role.roleArn, sessionName: role.sessionName ?? context.defaultSessionName(),
            externalId: role.externalId, durationSeconds: role.durationSeconds, credentials: credentials)
    }
}
