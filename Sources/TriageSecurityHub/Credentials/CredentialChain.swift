/// The order of the sources (`docs/contract.md`, the `securityhub` target, credentials).
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
