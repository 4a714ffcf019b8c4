import Synchronization
import Testing
import TriageStandIn

@testable import TriageSecurityHub

@Suite struct ContainerCredentialTests {
    @Test func theFullURIIsAskedWithTheTokenFromTheFileRereadEachTime() async throws {
        let world = try CredentialTestWorld()
        let tokenFile = try world.write("eks-token", "first-token")
        world.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile)
        world.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-token")
        let calls = Mutex(0)
        let handler: @Sendable (RecordedRequest) -> StandInReply = { _ in
            let number = calls.withLock {
                $0 += 1; return $0
            }
            return StandInReply(
                200,
                metadataAnswer(
                    keyId: "ASIACONT\(number)", secret: "container-secret", token: "container-token",
                    expiration: world.clock.iso(after: 3600)))
        }
        try await CredentialStandIn.with(handler) { (endpoint) async throws in
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url + "/v1/credentials?id=7")
            let provider = try await world.resolve()
            #expect(provider.sourceName == "container")
            let first = try await current(provider)
            #expect(first.accessKeyId == "ASIACONT1")
            #expect(first.sessionToken == "container-token")
            try world.write("eks-token", "second-token")
            world.clock.advance(seconds: 3600 - 5 * 60)  // mandatory window
            #expect(try await current(provider).accessKeyId == "ASIACONT2")
            let requests = endpoint.requests
            try #require(requests.count == 2)
            #expect(requests.map { $0.header("authorization") } == ["first-token", "second-token"])
            #expect(requests[0].path == "/v1/credentials")
            #expect(requests[0].query == "id=7")
            #expect(requests[0].header("accept") == "application/json")
        }
    }

    @Test func theTokenVariableIsUsedWithoutAFile() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "variable-token")
        let handler: @Sendable (RecordedRequest) -> StandInReply = { _ in
            StandInReply(
                200, metadataAnswer(keyId: "ASIAC", secret: "s", token: "t", expiration: world.clock.iso(after: 3600)))
        }
        try await CredentialStandIn.with(handler) { (endpoint) async throws in
            world.set(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                endpoint.url.replacingOccurrences(of: "127.0.0.1", with: "localhost"))
            _ = try await world.resolve()
            #expect(endpoint.requests.first?.header("authorization") == "variable-token")
        }
    }

    @Test func aTokenWithALineBreakIsRefused() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/")
        world.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nInjected: yes")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("CR or LF"))
        #expect(!error.message.contains("Injected"))
    }

    @Test func aRelativeURIGoesTo169_254_170_2() throws {
        let world = try CredentialTestWorld()
        world.set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")
        world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/ignored")
        #expect(
            try ContainerCredentialSource.endpoint(world.environment()).text
                == "http://169.254.170.2/v2/credentials/abc")
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/creds", true), ("http://127.1.2.3/", true), ("http://localhost/", true),
        ("http://169.254.170.2/v2", true), ("http://169.254.170.23/v1/credentials", true),
        ("http://[fd00:ec2::23]/creds", true), ("http://[::1]:9/", true), ("https://10.1.2.3/", true),
        ("https://creds.example.com/", true), ("http://10.1.2.3/", false), ("http://169.254.170.3/", false),
        ("http://example.com/", false), ("http://127.0.0.1.example.com/", false), ("ftp://127.0.0.1/", false),
    ])
    func fullURIHostRule(uri: String, allowed: Bool) throws {
        let world = try CredentialTestWorld()
        world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)
        let result = Result { try ContainerCredentialSource.endpoint(world.environment()) }
        #expect(((try? result.get()) != nil) == allowed)
    }

    @Test func aRefusedHostFailsResolvingWithoutARequest() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.2.3/")
        let error = try #require(await world.resolveError())
        #expect(error.code == .invalidConfiguration)
        #expect(error.message.contains("unsupported host 10.1.2.3"))
    }

    @Test func anErrorStatusFails() async throws {
        let world = try CredentialTestWorld()
        try await CredentialStandIn.with({ _ in StandInReply(403, #"{"message":"denied"}"#) }) {
            (endpoint) async throws in
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url + "/creds")
            let error = try #require(await world.resolveError())
            #expect(error.message.contains("answered HTTP 403"))
            #expect(endpoint.requests.count == 1)  // 4xx is not retried
        }
    }

    @Test func aServerErrorIsTriedThreeTimesASecondApart() async throws {
        let world = try CredentialTestWorld()
        try await CredentialStandIn.with({ _ in StandInReply(503, "") }) { (endpoint) async throws in
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", endpoint.url + "/creds")
            let started = ContinuousClock.now
            let error = try #require(await world.resolveError())
            #expect(ContinuousClock.now - started >= .milliseconds(1900))
            #expect(error.message.contains("answered HTTP 503"))
            #expect(endpoint.requests.count == 3)
        }
    }
}
