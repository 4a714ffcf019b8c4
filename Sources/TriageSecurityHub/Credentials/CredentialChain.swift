/// The order of the sources (shared/spec/cli.md, "The `securityhub` target", **Credentials**).
package enum CredentialChain {
    /// Environment, web identity, the shared files' profile, container, instance metadata.
    package static func sources(_ context: CredentialContext) -> [any CredentialSource] {
        [
            EnvironmentCredentialSource(context: context),
            WebIdentityCredentialSource(context: context),
            ProfileCredentialSource(context: context),
            ContainerCredentialSource(context: context),
            InstanceMetadataCredentialSource(context: context),
        ]
    }
}
