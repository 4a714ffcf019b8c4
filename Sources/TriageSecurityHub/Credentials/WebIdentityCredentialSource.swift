/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` [+ `AWS_ROLE_SESSION_NAME`]: STS `AssumeRoleWithWebIdentity`
/// (unsigned), the token file read again at each fetch. A profile's `web_identity_token_file` is the profile
/// source's (`profile NAME (web-identity)`), which comes right after this one.
package struct WebIdentityCredentialSource: CredentialSource {
    /// What one `AssumeRoleWithWebIdentity` call needs.
    package struct Parameters: Sendable, Equatable {
        /// The role to assume.
        package var roleArn: String
        /// The file holding the OIDC token (read at each fetch; surrounding whitespace dropped).
        package var tokenFile: String
        /// The session name; `nil` for `triage-<epoch seconds>`.
        package var sessionName: String?
    }

    /// How ``CredentialProvider/sourceName`` shows this source.
    package let name = "web-identity"
    private let context: CredentialContext

    /// The source reading `context`'s environment variables.
    package init(context: CredentialContext) {
        self.context = context
    }

    /// Names the variable(s) of the pair that are not set.
    package var skipReason: String? {
        let environment = context.environment
        switch (environment.variable("AWS_WEB_IDENTITY_TOKEN_FILE"), environment.variable("AWS_ROLE_ARN")) {
        case (nil, nil): return "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set"
        case (nil, _): return "AWS_WEB_IDENTITY_TOKEN_FILE is not set"
        case (_, nil): return "AWS_ROLE_ARN is not set"
        default: return nil
        }
    }

    /// Reads the token file now and calls `AssumeRoleWithWebIdentity`.
    package func fetch() throws(SecurityHubError) -> AWSCredentials {
        let environment = context.environment
        guard let tokenFile = environment.variable("AWS_WEB_IDENTITY_TOKEN_FILE"),
            let roleArn = environment.variable("AWS_ROLE_ARN")
        else { throw SecurityHubError(.invalidConfiguration, skipReason ?? "not configured") }
        let parameters = Parameters(
            roleArn: roleArn, tokenFile: CredentialContext.expandingTilde(tokenFile, home: environment.homeDirectory),
            sessionName: environment.variable("AWS_ROLE_SESSION_NAME"))
        return try Self.fetch(parameters, context: context)
    }

    /// Reads the token file and calls `AssumeRoleWithWebIdentity` at the context's STS endpoint.
    package static func fetch(_ parameters: Parameters, context: CredentialContext) throws(SecurityHubError)
        -> AWSCredentials
    {
        let token = try CredentialFile.read(parameters.tokenFile, what: "the web identity token file")
            .trimmingWhitespace
        guard !token.isEmpty else {
            throw SecurityHubError(
                .invalidConfiguration, "the web identity token file \(parameters.tokenFile) is empty")
        }
        return try STSClient(context: context).assumeRoleWithWebIdentity(
            roleArn: parameters.roleArn, sessionName: parameters.sessionName ?? context.defaultSessionName(),
            token: token)
    }
}
