import Testing
import TriageStandIn

@testable import TriageSecurityHub

@Suite struct CredentialChainTests {
    @Test func environmentVariablesWin() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        world.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        world.set("AWS_SESSION_TOKEN", "env-token")
        world.set("AWS_ACCOUNT_ID", "111122223333")
        try world.write("credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n")
        let provider = try await world.resolve()
        #expect(provider.sourceName == "environment")
        let credentials = try await current(provider)
        #expect(credentials.accessKeyId == "AKIAENV")
        #expect(credentials.secretAccessKey == "env-secret")
        #expect(credentials.sessionToken == "env-token")
        #expect(credentials.accountId == "111122223333")
        #expect(credentials.expiration == nil)
    }

    @Test func securityTokenAndExpirationAreRead() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "ASIAENV")
        world.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        world.set("AWS_SECURITY_TOKEN", "legacy-token")
        world.set("AWS_CREDENTIAL_EXPIRATION", world.clock.iso(after: 7200))
        let credentials = try await current(try await world.resolve())
        #expect(credentials.sessionToken == "legacy-token")
        #expect(credentials.expiration == world.clock.now + 7_200_000)
    }

    @Test func anExplicitProfileSkipsTheEnvironment() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        world.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        try world.write("credentials", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = dev-secret\n")
        let provider = try await world.resolve(profile: "dev")
        #expect(provider.sourceName == "profile dev (static)")
        #expect(try await current(provider).accessKeyId == "AKIADEV")
    }

    @Test func awsProfileDoesNotSkipTheEnvironment() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        world.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        world.set("AWS_PROFILE", "dev")
        try world.write("credentials", "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = dev-secret\n")
        #expect(try await world.resolve().sourceName == "environment")
        world.set("AWS_ACCESS_KEY_ID", nil)
        #expect(try await world.resolve().sourceName == "profile dev (static)")
    }

    @Test func aPartialEnvironmentIsAnError() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "AKIAENV")
        let error = try #require(await world.resolveError())
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("AWS_SECRET_ACCESS_KEY"))
    }

    @Test func theProfileBeatsTheContainer() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds")
        try world.write("config", "[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = config-secret\n")
        let provider = try await world.resolve()
        #expect(provider.sourceName == "profile default (static)")
    }

    @Test func noCredentialsNamesEverySource() async throws {
        let world = try CredentialTestWorld()
        let error = try #require(await world.resolveError())
        #expect(error.code == .noCredentials)
        for name in ["environment", "web-identity", "profile default", "container", "instance-metadata"] {
            #expect(error.message.contains(name), "\(name) missing from: \(error.message)")
        }
        #expect(error.message.contains("AWS_EC2_METADATA_DISABLED=true"))
        #expect(error.message.contains("AWS_ACCESS_KEY_ID is not set"))
        #expect(!error.message.contains("\n"))
        #expect(
            error.message
                == "no AWS credentials found; tried environment (AWS_ACCESS_KEY_ID is not set), web-identity "
                + "(AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set), profile default (no such profile in "
                + "\(world.root)/config or \(world.root)/credentials), container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
                + "and _FULL_URI are not set), instance-metadata (AWS_EC2_METADATA_DISABLED=true)")
    }

    @Test func aNamedProfileThatDoesNotExistIsAnError() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[profile other]\nregion = eu-west-1\n")
        for profile in ["missing", nil] {
            if profile == nil { world.set("AWS_PROFILE", "missing") }
            let error = try #require(await world.resolveError(profile: profile))
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("the profile missing is in neither"))
        }
    }

    @Test func aConfiguredSourceThatFailsStopsTheChain() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\nrole_arn = arn:aws:iam::123456789012:role/x\n")
        world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/creds")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("profile default"))
        #expect(error.message.contains("skipped before it: environment"))
        #expect(!error.message.contains("container ("))
    }

    @Test func aBadExpirationVariableIsAnError() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "ASIAENV")
        world.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        world.set("AWS_CREDENTIAL_EXPIRATION", "tomorrow")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 date-time"))
    }

    @Test func expiredEnvironmentCredentialsAreRefused() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "ASIAENV")
        world.set("AWS_SECRET_ACCESS_KEY", "env-secret")
        world.set("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z")
        let error = try #require(await world.resolveError())
        #expect(error.code == .expired)
    }

    @Test func webIdentityBeatsTheProfile() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = config-secret\n")
        world.set("AWS_WEB_IDENTITY_TOKEN_FILE", try world.write("token.jwt", "jwt"))
        world.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web")
        try await CredentialStandIn.with(STSCredentialTests.sts(world.clock)) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            #expect(try await world.resolve().sourceName == "web-identity")
        }
    }

    @Test func aProfileWithoutCredentialsIsSkippedAndTheContainerBeatsInstanceMetadata() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\nregion = eu-west-1\n")
        world.set("AWS_EC2_METADATA_DISABLED", nil)
        let handler: @Sendable (RecordedRequest) -> StandInReply = { request in
            if request.path == "/container" {
                return StandInReply(
                    200,
                    metadataAnswer(keyId: "ASIACONT", secret: "s", token: "t", expiration: world.clock.iso(after: 3600))
                )
            }
            return InstanceMetadataCredentialTests.imds(world.clock)(request)
        }
        try await CredentialStandIn.with(handler) { (standIn) async throws in
            world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", standIn.url)
            #expect(try await world.resolve().sourceName == "instance-metadata")
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", standIn.url + "/container")
            let provider = try await world.resolve()
            #expect(provider.sourceName == "container")
            #expect(try await current(provider).accessKeyId == "ASIACONT")
        }
    }

    @Test func aProfileWithoutCredentialsIsNamedAsSkipped() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[profile dev]\nregion = eu-west-1\n")
        let error = try #require(await world.resolveError(profile: "dev"))
        #expect(error.code == .noCredentials)
        #expect(error.message.contains("environment (--profile dev was given)"))
        #expect(error.message.contains("profile dev (the profile has no credential settings)"))
    }
}
