import Synchronization
import Testing
import TriageSigV4
import TriageStandIn

@testable import TriageSecurityHub

@Suite struct STSCredentialTests {
    /// An STS stand-in issuing key `ASIASTS<n>` for the n-th call, valid for an hour of `clock`.
    static func sts(_ clock: FakeClock) -> @Sendable (RecordedRequest) -> StandInReply {
        let calls = Mutex(0)
        return { request in
            let number = calls.withLock {
                $0 += 1; return $0
            }
            let action = RecordedRequest.parameters(request.text)["Action"] ?? "?"
            return StandInReply(
                200,
                stsAnswer(
                    action, keyId: "ASIASTS\(number)", secret: "sts-secret-\(number)", token: "sts-token-\(number)",
                    expiration: clock.iso(after: 3600)))
        }
    }

    /// Checks the request is SigV4-signed for `sts` in `region` with the key `keyId` (secret `secret`).
    static func expectSigned(
        _ request: RecordedRequest, keyId: String, secret: String, token: String?, region: String, clock: FakeClock
    ) throws {
        let sigV4 = SigV4Request(
            method: request.method, path: request.path, query: request.query,
            headers: request.headers.map { .init($0.name, $0.value) }, body: request.body)
        let verifier = SigV4Verifier(region: region, service: "sts") { id in
            id == keyId ? VerificationKey(secretAccessKey: secret, sessionToken: token) : nil
        }
        let verified = try verifier.verify(sigV4, now: SigningDate(secondsSince1970: clock.now / 1000))
        #expect(verified.accessKeyId == keyId)
        #expect(verified.scope.service == "sts")
        #expect(verified.scope.region == region)
    }

    @Test func assumeRoleIsSignedAndCarriesItsParameters() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            """
            [profile deploy]
            role_arn = arn:aws:iam::123456789012:role/triage
            source_profile = base
            external_id = ext-42
            duration_seconds = 1800
            role_session_name = nightly
            region = eu-west-3

            """)
        try world.write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
        try await CredentialStandIn.with(Self.sts(world.clock)) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let provider = try await world.resolve(profile: "deploy")
            #expect(provider.sourceName == "profile deploy (assume-role)")
            let credentials = try await current(provider)
            #expect(credentials.accessKeyId == "ASIASTS1")
            #expect(credentials.secretAccessKey == "sts-secret-1")
            #expect(credentials.sessionToken == "sts-token-1")
            #expect(credentials.expiration == world.clock.now + 3_600_000)
            #expect(credentials.accountId == "123456789012")
            let request = try #require(sts.requests.first)
            #expect(request.method == "POST")
            #expect(request.header("content-type") == "application/x-www-form-urlencoded; charset=utf-8")
            let form = RecordedRequest.parameters(request.text)
            #expect(form["Action"] == "AssumeRole")
            #expect(form["Version"] == "2011-06-15")
            #expect(form["RoleArn"] == "arn:aws:iam::123456789012:role/triage")
            #expect(form["ExternalId"] == "ext-42")
            #expect(form["DurationSeconds"] == "1800")
            #expect(form["RoleSessionName"] == "nightly")
            try Self.expectSigned(
                request, keyId: "AKIABASE", secret: "base-secret", token: nil, region: "eu-west-3", clock: world.clock)
        }
    }

    @Test func theGlobalEndpointIsSignedForUsEast1AndTheSessionNameDefaults() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n"
                + "aws_access_key_id = AKIASELF\naws_secret_access_key = self-secret\n")
        try await CredentialStandIn.with(Self.sts(world.clock)) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL", sts.url)
            _ = try await world.resolve()
            let request = try #require(sts.requests.first)
            #expect(RecordedRequest.parameters(request.text)["RoleSessionName"] == "triage-\(world.clock.now / 1000)")
            try Self.expectSigned(
                request, keyId: "AKIASELF", secret: "self-secret", token: nil, region: "us-east-1", clock: world.clock)
        }
    }

    @Test func aSourceProfileChainOfThreeAssumesEachRoleInTurn() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            """
            [profile top]
            role_arn = arn:aws:iam::123456789012:role/top
            source_profile = middle
            [profile middle]
            role_arn = arn:aws:iam::123456789012:role/middle
            source_profile = bottom
            [profile bottom]
            aws_access_key_id = AKIABOTTOM
            aws_secret_access_key = bottom-secret

            """)
        world.set("AWS_REGION", "us-west-2")
        try await CredentialStandIn.with(Self.sts(world.clock)) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let credentials = try await current(try await world.resolve(profile: "top"))
            #expect(credentials.accessKeyId == "ASIASTS2")
            let requests = sts.requests
            try #require(requests.count == 2)
            #expect(RecordedRequest.parameters(requests[0].text)["RoleArn"] == "arn:aws:iam::123456789012:role/middle")
            #expect(RecordedRequest.parameters(requests[1].text)["RoleArn"] == "arn:aws:iam::123456789012:role/top")
            try Self.expectSigned(
                requests[0], keyId: "AKIABOTTOM", secret: "bottom-secret", token: nil, region: "us-west-2",
                clock: world.clock)
            try Self.expectSigned(
                requests[1], keyId: "ASIASTS1", secret: "sts-secret-1", token: "sts-token-1", region: "us-west-2",
                clock: world.clock)
        }
    }

    @Test func anErrorResponseBecomesAClearMessage() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "config",
            "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"
                + "[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
        let errorXML = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>AccessDenied</Code>
                <Message>User is not authorized to perform: sts:AssumeRole</Message></Error>
              <RequestId>abc</RequestId>
            </ErrorResponse>
            """
        try await CredentialStandIn.with({ _ in StandInReply(403, errorXML) }) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let error = try #require(await world.resolveError())
            #expect(error.code == .retrievalFailed)
            #expect(error.message.contains("STS AssumeRole failed: HTTP 403 AccessDenied: User is not authorized"))
            #expect(!error.message.contains("base-secret"))
        }
    }

    @Test func webIdentityIsUnsignedAndRereadsTheTokenFile() async throws {
        let world = try CredentialTestWorld()
        let tokenFile = try world.write("token.jwt", "jwt-one")
        world.set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
        world.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web")
        world.set("AWS_ROLE_SESSION_NAME", "pod-7")
        let calls = Mutex(0)
        let handler: @Sendable (RecordedRequest) -> StandInReply = { _ in
            let number = calls.withLock {
                $0 += 1; return $0
            }
            return StandInReply(
                200,
                stsAnswer(
                    "AssumeRoleWithWebIdentity", keyId: "ASIAWEB\(number)", secret: "web-secret", token: "web-token",
                    expiration: world.clock.iso(after: 3600)))
        }
        try await CredentialStandIn.with(handler) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let provider = try await world.resolve()
            #expect(provider.sourceName == "web-identity")
            #expect(try await current(provider).accessKeyId == "ASIAWEB1")
            try world.write("token.jwt", "jwt-two\n")
            world.clock.advance(seconds: 3600 - 11 * 60)  // inside the advisory window
            #expect(try await current(provider).accessKeyId == "ASIAWEB2")
            let requests = sts.requests
            try #require(requests.count == 2)
            for (request, token) in zip(requests, ["jwt-one", "jwt-two"]) {
                #expect(request.header("authorization") == nil)
                #expect(request.header("x-amz-security-token") == nil)
                let form = RecordedRequest.parameters(request.text)
                #expect(form["Action"] == "AssumeRoleWithWebIdentity")
                #expect(form["WebIdentityToken"] == token)
                #expect(form["RoleArn"] == "arn:aws:iam::123456789012:role/web")
                #expect(form["RoleSessionName"] == "pod-7")
            }
        }
    }

    @Test func aWebIdentityProfileUsesItsTokenFile() async throws {
        let world = try CredentialTestWorld()
        let tokenFile = try world.write("profile.jwt", "jwt-profile")
        try world.write(
            "config", "[default]\nrole_arn = arn:aws:iam::123456789012:role/p\nweb_identity_token_file = \(tokenFile)\n"
        )
        try await CredentialStandIn.with(Self.sts(world.clock)) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let provider = try await world.resolve()
            #expect(provider.sourceName == "profile default (web-identity)")
            let form = RecordedRequest.parameters(try #require(sts.requests.first).text)
            #expect(form["WebIdentityToken"] == "jwt-profile")
        }
    }

    @Test func endpointsFollowTheOverridesAndTheRegion() throws {
        let world = try CredentialTestWorld()
        func sts() throws -> CredentialEndpoints.STS {
            try CredentialEndpoints.sts(CredentialContext(environment: world.environment()))
        }
        #expect(try sts() == .init(url: CredentialURL("https://sts.amazonaws.com")!, signingRegion: "us-east-1"))
        world.set("AWS_DEFAULT_REGION", "cn-north-1")
        #expect(try sts().url.text == "https://sts.cn-north-1.amazonaws.com.cn/")
        world.set("AWS_REGION", "eu-central-1")
        #expect(
            try sts()
                == .init(url: CredentialURL("https://sts.eu-central-1.amazonaws.com")!, signingRegion: "eu-central-1"))
        world.set("AWS_ENDPOINT_URL", "http://127.0.0.1:9/global")
        #expect(try sts().url.text == "http://127.0.0.1:9/global")
        world.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:8")
        #expect(try sts().url.text == "http://127.0.0.1:8/")
        #expect(try sts().signingRegion == "eu-central-1")
        world.set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
        #expect(try sts().url.host == "sts.eu-central-1.amazonaws.com")
    }

    @Test func aRejectedWebIdentityTokenIsNamedWithoutTheToken() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_WEB_IDENTITY_TOKEN_FILE", try world.write("token.jwt", "eyJhbGciOi.secret-jwt"))
        world.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web")
        let errorXML = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
            <Code>InvalidIdentityToken</Code><Message>Couldn't retrieve verification key from your identity provider
            </Message></Error><RequestId>r</RequestId></ErrorResponse>
            """
        try await CredentialStandIn.with({ _ in StandInReply(400, errorXML) }) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let error = try #require(await world.resolveError())
            #expect(
                error.message.hasPrefix(
                    "AWS credentials from web-identity: STS AssumeRoleWithWebIdentity failed: HTTP 400 "
                        + "InvalidIdentityToken: Couldn't retrieve verification key"))
            #expect(!error.message.contains("secret-jwt"))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func aMissingTokenFileIsNamed() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_WEB_IDENTITY_TOKEN_FILE", world.root + "/nowhere.jwt")
        world.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("the web identity token file \(world.root)/nowhere.jwt cannot be read"))
    }

    @Test func anAnswerWithoutCredentialsIsRefused() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_WEB_IDENTITY_TOKEN_FILE", try world.write("token.jwt", "jwt"))
        world.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web")
        try await CredentialStandIn.with({ _ in StandInReply(200, "<html>proxy login</html>") }) { (sts) async throws in
            world.set("AWS_ENDPOINT_URL_STS", sts.url)
            let error = try #require(await world.resolveError())
            #expect(error.message.contains("has no AssumeRoleWithWebIdentityResult/Credentials"))
        }
    }
}
