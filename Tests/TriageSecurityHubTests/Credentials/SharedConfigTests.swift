import Testing
import TriageStandIn

@testable import TriageSecurityHub

@Suite struct SharedConfigTests {
    @Test func filesParseAsBotocoreReadsThem() throws {
        let text = """
            # comment
            ; another
            [default]
            region = eu-west-1
            Output: json
            [profile dev]
            aws_access_key_id=AKIADEV
            s3 =
              max_concurrent_requests = 10
            [sso-session corp]
            sso_region = us-east-1
            [services local]
            securityhub =
              endpoint_url = http://127.0.0.1:4510
            [profile default]
            region = us-west-2
            """
        let world = try CredentialTestWorld()
        let config = try world.write("config", text)
        let files = try SharedConfigFiles.load(configPath: config, credentialsPath: world.root + "/missing")
        #expect(files.profile("default")?["region"] == "us-west-2")
        #expect(files.profile("default")?["output"] == "json")
        #expect(files.profile("dev")?["aws_access_key_id"] == "AKIADEV")
        #expect(files.profile("dev")?["s3"] == "max_concurrent_requests = 10")
        #expect(files.ssoSessions["corp"]?["sso_region"] == "us-east-1")
        #expect(files.profile("local") == nil)
        #expect(files.profile("corp") == nil)
    }

    @Test func equallyIndentedKeysAreSeparateSettings() throws {
        let sections = try SharedConfigFiles.sections(
            "[default]\n  aws_access_key_id = AKIA\n  aws_secret_access_key = s\n    more\nregion = x\n", path: "config"
        )
        #expect(
            sections["default"] == ["aws_access_key_id": "AKIA", "aws_secret_access_key": "s\nmore", "region": "x"])
    }

    @Test func theCredentialsFileWinsOverTheConfigFile() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[profile dev]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = c\n")
        try world.write("credentials", "[dev]\naws_access_key_id = AKIACREDS\naws_secret_access_key = k\n")
        #expect(try await current(try await world.resolve(profile: "dev")).accessKeyId == "AKIACREDS")
    }

    @Test func aBrokenLineIsAnError() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\nthis line has no separator\n")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("line 2"))
    }

    @Test func aSourceProfileCycleIsNamed() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            """
            [profile a]
            role_arn = arn:aws:iam::123456789012:role/a
            source_profile = b
            [profile b]
            role_arn = arn:aws:iam::123456789012:role/b
            source_profile = c
            [profile c]
            role_arn = arn:aws:iam::123456789012:role/c
            source_profile = a

            """)
        let error = try #require(await world.resolveError(profile: "a"))
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("source_profile cycle: a -> b -> c -> a"))
    }

    @Test func aSelfReferenceWithoutKeysIsACycle() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = a\n")
        let error = try #require(await world.resolveError(profile: "a"))
        #expect(error.message.contains("source_profile cycle: a -> a"))
    }

    @Test func mfaSerialIsRefused() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = base\n"
                + "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
                + "[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
        let error = try #require(await world.resolveError(profile: "mfa"))
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("mfa_serial"))
        #expect(error.message.contains("cannot prompt"))
    }

    @Test func credentialSourceIsChecked() throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            """
            [profile env]
            role_arn = arn:aws:iam::123456789012:role/e
            credential_source = Environment
            [profile ecs]
            role_arn = arn:aws:iam::123456789012:role/e
            credential_source = EcsContainer
            [profile ec2]
            role_arn = arn:aws:iam::123456789012:role/e
            credential_source = Ec2InstanceMetadata
            [profile bad]
            role_arn = arn:aws:iam::123456789012:role/e
            credential_source = Laptop
            [profile both]
            role_arn = arn:aws:iam::123456789012:role/e
            credential_source = Environment
            source_profile = env

            """)
        let files = try SharedConfigFiles.load(
            configPath: world.root + "/config", credentialsPath: world.root + "/none")
        func plan(_ name: String) throws -> ProfileCredentialPlan? {
            try ProfileCredentialPlan.resolve(name, in: files, home: world.home)
        }
        let role = ProfileCredentialPlan.AssumeRole(roleArn: "arn:aws:iam::123456789012:role/e")
        #expect(try plan("env") == .assumeRoleFrom(role, credentialSource: .environment))
        #expect(try plan("ecs") == .assumeRoleFrom(role, credentialSource: .container))
        #expect(try plan("ec2") == .assumeRoleFrom(role, credentialSource: .instanceMetadata))
        #expect(throws: SecurityHubError.self) { try plan("bad") }
        #expect(throws: SecurityHubError.self) { try plan("both") }
    }

    @Test func credentialSourceEnvironmentAssumesTheRoleWithTheVariables() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config", "[profile env]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = Environment\n")
        world.set("AWS_ACCESS_KEY_ID", "AKIAENVSRC")
        world.set("AWS_SECRET_ACCESS_KEY", "env-src-secret")
        try await CredentialStandIn.with(STSCredentialTests.sts(world.clock)) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let provider = try await world.resolve(profile: "env")  // --profile skips the environment *source* only
            #expect(provider.sourceName == "profile env (assume-role)")
            #expect(try await current(provider).accessKeyId == "ASIASTS1")
            try STSCredentialTests.expectSigned(
                try #require(sts.requests.first), keyId: "AKIAENVSRC", secret: "env-src-secret", token: nil,
                region: "us-east-1", clock: world.clock)
        }
    }

    @Test func credentialSourceContainerAssumesTheRoleWithContainerCredentials() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config", "[profile ecs]\nrole_arn = arn:aws:iam::123456789012:role/e\ncredential_source = EcsContainer\n")
        let container: @Sendable (RecordedRequest) -> StandInReply = { request in
            if request.method == "POST" {  // the STS call, same stand-in
                return StandInReply(
                    200,
                    stsAnswer(
                        "AssumeRole", keyId: "ASIAROLE", secret: "role-secret", token: "role-token",
                        expiration: world.clock.iso(after: 3600)))
            }
            return StandInReply(
                200,
                metadataAnswer(
                    keyId: "ASIATASK", secret: "task-secret", token: "task-token",
                    expiration: world.clock.iso(after: 3600)))
        }
        try await CredentialStandIn.with(container) { (standIn) async throws in
            world.set("AWS_ENDPOINT_URL_STS", standIn.url)
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", standIn.url + "/v2/credentials")
            #expect(try await current(try await world.resolve(profile: "ecs")).accessKeyId == "ASIAROLE")
            let requests = standIn.requests
            try #require(requests.count == 2)
            #expect(requests[0].path == "/v2/credentials")
            try STSCredentialTests.expectSigned(
                requests[1], keyId: "ASIATASK", secret: "task-secret", token: "task-token", region: "us-east-1",
                clock: world.clock)
        }
    }

    @Test func aRoleWithoutASourceIsAnError() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\nrole_arn = arn:aws:iam::123456789012:role/x\n")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("role_arn without source_profile"))
    }

    @Test func aMissingSourceProfileIsAnError() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = gone\n")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("source_profile gone is in neither shared file"))
    }
}
