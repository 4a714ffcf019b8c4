/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (else `AWS_SECURITY_TOKEN`),
/// `AWS_CREDENTIAL_EXPIRATION` (ISO 8601) and `AWS_ACCOUNT_ID`; skipped when `--profile` was given, as botocore
/// skips it for an explicit profile (not for `AWS_PROFILE`).
package struct EnvironmentCredentialSource: CredentialSource {
    /// How ``CredentialProvider/sourceName`` shows this source.
    package let name = "environment"
    private let environment: CredentialEnvironment
    private let ignoresProfile: Bool

    /// The environment source; with `ignoringProfile` (as `credential_source = Environment` uses it) `--profile`
    /// does not skip it.
    package init(context: CredentialContext, ignoringProfile: Bool = false) {
        self.environment = context.environment
        self.ignoresProfile = ignoringProfile
    }

    /// Set when `--profile` was given (unless ignored) or `AWS_ACCESS_KEY_ID` is not.
    package var skipReason: String? {
        if !ignoresProfile, let profile = environment.profile { return "--profile \(profile) was given" }
        if environment.variable("AWS_ACCESS_KEY_ID") == nil { return "AWS_ACCESS_KEY_ID is not set" }
        return nil
    }

    /// Reads the variables; a key id without a secret, or an unreadable expiration, is an error.
    package func fetch() throws(SecurityHubError) -> AWSCredentials {
        guard let accessKeyId = environment.variable("AWS_ACCESS_KEY_ID") else {
            throw SecurityHubError(.invalidConfiguration, "AWS_ACCESS_KEY_ID is not set")
        }
        guard let secret = environment.variable("AWS_SECRET_ACCESS_KEY") else {
            throw SecurityHubError(.invalidConfiguration, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        var expiration: Int64?
        if let text = environment.variable("AWS_CREDENTIAL_EXPIRATION") {
            guard let milliseconds = CredentialDocument.epochMilliseconds(iso8601: text) else {
                throw SecurityHubError(.invalidConfiguration, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date-time")
            }
            expiration = milliseconds
        }
        return AWSCredentials(
            accessKeyId: accessKeyId, secretAccessKey: secret,
            sessionToken: environment.variable("AWS_SESSION_TOKEN") ?? environment.variable("AWS_SECURITY_TOKEN"),
            expiration: expiration, accountId: environment.variable("AWS_ACCOUNT_ID"))
    }
}
