/// What every source reads: the injected environment, the shared files (read once), the selected profile, the
/// Region and the one HTTP shell.
package struct CredentialContext: Sendable, CustomStringConvertible {
    /// The injected environment.
    package var environment: CredentialEnvironment
    /// The shared config and credentials files, or why they could not be read.
    package var files: Result<SharedConfigFiles, SecurityHubError>
    /// `--profile`, else `AWS_PROFILE`, else `default`.
    package var profileName: String
    /// Whether the profile was named (`--profile` or `AWS_PROFILE`): then it must exist.
    package var profileNamed: Bool
    /// Every request of every source goes through this.
    package var http: CredentialHTTP

    /// The context of `environment`; reads the shared files.
    package init(environment: CredentialEnvironment) {
        self.environment = environment
        let home = environment.homeDirectory
        let configPath = environment.variable("AWS_CONFIG_FILE").map { Self.expandingTilde($0, home: home) }
        let credentialsPath = environment.variable("AWS_SHARED_CREDENTIALS_FILE").map {
            Self.expandingTilde($0, home: home)
        }
        self.files = Result { () throws(SecurityHubError) -> SharedConfigFiles in
            try SharedConfigFiles.load(
                configPath: configPath ?? home + "/.aws/config",
                credentialsPath: credentialsPath ?? home + "/.aws/credentials")
        }
        let named = environment.profile ?? environment.variable("AWS_PROFILE")
        self.profileName = named ?? "default"
        self.profileNamed = named != nil
        self.http = CredentialHTTP(client: environment.http)
    }

    /// The selected profile; no variable or setting.
    package var description: String { "CredentialContext(profile: \(profileName))" }

    /// The selected profile's settings, or `nil` when it is in neither file or the files cannot be read.
    package var profile: SharedConfigFiles.Profile? {
        (try? files.get())?.profile(profileName)
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the profile's `region`.
    package var region: String? {
        environment.variable("AWS_REGION") ?? environment.variable("AWS_DEFAULT_REGION") ?? profile?["region"]
    }

    /// The epoch-seconds session name botocore would make (`triage-<epoch seconds>`).
    package func defaultSessionName() -> String {
        "triage-\(environment.now() / 1000)"
    }

    /// `path` with a leading `~/` replaced by `home`.
    package static func expandingTilde(_ path: String, home: String) -> String {
        if path == "~" { return home }
        if path.hasPrefix("~/") { return home + path.dropFirst(1) }
        return path
    }
}
