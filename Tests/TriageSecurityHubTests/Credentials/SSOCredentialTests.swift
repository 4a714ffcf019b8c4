import Testing
import TriageStandIn

@testable import TriageSecurityHub

@Suite struct SSOCredentialTests {
    static func portal(_ clock: FakeClock) -> @Sendable (RecordedRequest) -> StandInReply {
        { request in
            guard request.header("x-amz-sso_bearer_token") == "sso-access-token" else { return StandInReply(401, "{}") }
            return StandInReply(
                200,
                """
                {"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret",
                 "sessionToken": "sso-token", "expiration": \(clock.now + 3_600_000)}}
                """)
        }
    }

    func writeCache(_ world: CredentialTestWorld, key: String, expiresAt: String) throws {
        try world.write(
            world.home + "/.aws/sso/cache/" + SSOCredentialFetcher.cacheFileName(key),
            #"{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-access-token", "#
                + #""expiresAt": "\#(expiresAt)"}"#)
    }

    @Test func theCacheFileIsNamedBySHA1() {
        // sha1("abc"), the FIPS 180 example.
        #expect(SSOCredentialFetcher.cacheFileName("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d.json")
    }

    @Test func anSSOSessionProfileAsksThePortalWithTheCachedToken() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            """
            [profile sso]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = SecurityAuditor
            [sso-session corp]
            sso_region = eu-west-1
            sso_start_url = https://corp.awsapps.com/start

            """)
        try writeCache(world, key: "corp", expiresAt: world.clock.iso(after: 600))
        try await CredentialStandIn.with(Self.portal(world.clock)) { (portal) async throws in
            world.set("AWS_ENDPOINT_URL_SSO", portal.url)
            let provider = try await world.resolve(profile: "sso")
            #expect(provider.sourceName == "profile sso (sso)")
            let credentials = try await current(provider)
            #expect(credentials.accessKeyId == "ASIASSO")
            #expect(credentials.sessionToken == "sso-token")
            #expect(credentials.expiration == world.clock.now + 3_600_000)
            #expect(credentials.accountId == "123456789012")
            let request = try #require(portal.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/federation/credentials")
            let query = RecordedRequest.parameters(request.query)
            #expect(query == ["role_name": "SecurityAuditor", "account_id": "123456789012"])
            #expect(request.header("authorization") == nil)
        }
    }

    @Test func aLegacyProfileUsesTheStartURLAsCacheKey() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            """
            [default]
            sso_start_url = https://legacy.awsapps.com/start
            sso_region = us-east-2
            sso_account_id = 210987654321
            sso_role_name = Reader

            """)
        try writeCache(world, key: "https://legacy.awsapps.com/start", expiresAt: world.clock.iso(after: 600))
        try await CredentialStandIn.with(Self.portal(world.clock)) { (portal) async throws in
            world.set("AWS_ENDPOINT_URL", portal.url)
            #expect(try await current(try await world.resolve()).accessKeyId == "ASIASSO")
            #expect(RecordedRequest.parameters(try #require(portal.requests.first).query)["role_name"] == "Reader")
        }
    }

    @Test func anExpiredTokenSaysToLogIn() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            "[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
                + "[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n")
        try writeCache(world, key: "corp", expiresAt: "2020-01-01T00:00:00UTC")
        let error = try #require(await world.resolveError())
        #expect(error.code == .expired)
        #expect(error.message.contains("aws sso login"))
        #expect(!error.message.contains("sso-access-token"))
    }

    @Test func aMissingSessionSectionIsNamed() async throws {
        let world = try CredentialTestWorld()
        try world.write("config", "[default]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("[sso-session gone]"))
    }

    @Test func aRejectedTokenSaysToLogIn() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            "[default]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
                + "[sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n")
        try writeCache(world, key: "corp", expiresAt: world.clock.iso(after: 600))
        let rejecting: @Sendable (RecordedRequest) -> StandInReply = { _ in
            StandInReply(401, #"{"message":"Session token not found or invalid"}"#)
        }
        try await CredentialStandIn.with(rejecting) { (portal) async throws in
            world.set("AWS_ENDPOINT_URL_SSO", portal.url)
            let error = try #require(await world.resolveError())
            #expect(error.message.contains("the SSO portal answered HTTP 401; run `aws sso login`"))
        }
    }
}
