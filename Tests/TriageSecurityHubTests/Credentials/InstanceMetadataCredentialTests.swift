import Synchronization
import Testing
import TriageStandIn

@testable import TriageSecurityHub

@Suite struct InstanceMetadataCredentialTests {
    static func imds(_ clock: FakeClock, tokenStatus: Int = 200) -> @Sendable (RecordedRequest) -> StandInReply {
        { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                guard request.header("x-aws-ec2-metadata-token-ttl-seconds") == "21600" else {
                    return StandInReply(400, "")
                }
                return StandInReply(tokenStatus, tokenStatus == 200 ? "imds-session-token" : "")
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                guard tokenStatus != 200 || request.header("x-aws-ec2-metadata-token") == "imds-session-token" else {
                    return StandInReply(401, "")
                }
                return StandInReply(200, "triage-instance-role\n")
            case ("GET", "/latest/meta-data/iam/security-credentials/triage-instance-role"):
                guard tokenStatus != 200 || request.header("x-aws-ec2-metadata-token") == "imds-session-token" else {
                    return StandInReply(401, "")
                }
                return StandInReply(
                    200,
                    metadataAnswer(
                        keyId: "ASIAIMDS", secret: "imds-secret", token: "imds-token",
                        expiration: clock.iso(after: 21600)))
            default:
                return StandInReply(404, "")
            }
        }
    }

    @Test func imdsV2AsksForATokenThenTheRoleThenItsCredentials() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_EC2_METADATA_DISABLED", nil)
        try await CredentialStandIn.with(Self.imds(world.clock)) { (imds) async throws in
            world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url + "/")
            let provider = try await world.resolve()
            #expect(provider.sourceName == "instance-metadata")
            let credentials = try await current(provider)
            #expect(credentials.accessKeyId == "ASIAIMDS")
            #expect(credentials.sessionToken == "imds-token")
            #expect(credentials.expiration == world.clock.now + 21_600_000)
            let requests = imds.requests
            #expect(
                requests.map { "\($0.method) \($0.path)" } == [
                    "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                    "GET /latest/meta-data/iam/security-credentials/triage-instance-role",
                ])
            #expect(requests.dropFirst().allSatisfy { $0.header("x-aws-ec2-metadata-token") == "imds-session-token" })
        }
    }

    @Test func imdsV1IsTheFallbackWhenTheTokenCallIsNotSupported() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_EC2_METADATA_DISABLED", nil)
        try await CredentialStandIn.with(Self.imds(world.clock, tokenStatus: 405)) { (imds) async throws in
            world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
            #expect(try await current(try await world.resolve()).accessKeyId == "ASIAIMDS")
            world.set("AWS_EC2_METADATA_V1_DISABLED", "true")
            let error = try #require(await world.resolveError())
            #expect(error.message.contains("token request was answered HTTP 405"))
        }
    }

    @Test func theDisabledVariableSkipsIMDS() async throws {
        let world = try CredentialTestWorld()
        try await CredentialStandIn.with(Self.imds(world.clock)) { (imds) async throws in
            world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
            world.set("AWS_EC2_METADATA_DISABLED", "TRUE")
            let error = try #require(await world.resolveError())
            #expect(error.code == .noCredentials)
            #expect(imds.requests.isEmpty)
        }
    }

    @Test func noAnswerCountsAsNoInstanceRole() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_EC2_METADATA_DISABLED", nil)
        world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1")
        let error = try #require(await world.resolveError())
        #expect(error.code == .noCredentials)
        #expect(error.message.contains("instance-metadata (instance metadata: no answer from http://127.0.0.1:1"))
        #expect(error.message.contains("environment (AWS_ACCESS_KEY_ID is not set)"))
    }

    @Test func eachRequestHasOneSecondByDefault() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_EC2_METADATA_DISABLED", nil)
        try await CredentialStandIn.with({ _ in StandInReply(200, "late", delay: .seconds(4)) }) {
            (imds) async throws in
            world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
            let started = ContinuousClock.now
            let error = try #require(await world.resolveError())
            let elapsed = ContinuousClock.now - started
            #expect(error.code == .noCredentials)
            #expect(error.message.contains("timed out"))
            // The timeout fired (no wait for the 4 s answer); an upper bound would be a timing assertion.
            #expect(elapsed >= .milliseconds(900))
        }
    }

    @Test func numAttemptsRetriesAServerError() async throws {
        let world = try CredentialTestWorld()
        world.set("AWS_EC2_METADATA_DISABLED", nil)
        let tokenCalls = Mutex(0)
        let healthy = Self.imds(world.clock)
        let handler: @Sendable (RecordedRequest) -> StandInReply = { request in
            if request.method == "PUT",
                tokenCalls.withLock({
                    $0 += 1; return $0
                }) % 2 == 1
            {
                return StandInReply(503, "")
            }
            return healthy(request)
        }
        try await CredentialStandIn.with(handler) { (imds) async throws in
            world.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url)
            let error = try #require(await world.resolveError())
            #expect(error.message.contains("token request was answered HTTP 503"))
            world.set("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "2")
            #expect(try await current(try await world.resolve()).accessKeyId == "ASIAIMDS")
        }
    }
}
