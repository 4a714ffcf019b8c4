import Testing

@testable import TriageSecurityHub

/// No `description` shows a secret access key or a session token.
@Suite struct CredentialSecrecyTests {
    static let secret = "wJalrXUtnFEMI-SECRET"
    static let token = "FwoGZXIvYXdzEJr-TOKEN"

    func expectClean(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in [String(describing: value), String(reflecting: value)] {
            #expect(!text.contains(Self.secret), "\(type(of: value)) shows the secret", sourceLocation: sourceLocation)
            #expect(!text.contains(Self.token), "\(type(of: value)) shows the token", sourceLocation: sourceLocation)
        }
    }

    @Test func everyTypeHidesTheSecretAndTheToken() async throws {
        let credentials = AWSCredentials(
            accessKeyId: "ASIAEXAMPLE", secretAccessKey: Self.secret, sessionToken: Self.token,
            expiration: 1_796_000_000_000, accountId: "123456789012")
        expectClean(credentials)
        #expect(credentials.description.contains("ASIAEXAMPLE"))
        #expect(credentials.description.contains("sessionToken: present"))
        expectClean(credentials.signing)

        let world = try CredentialTestWorld()
        world.set("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE")
        world.set("AWS_SECRET_ACCESS_KEY", Self.secret)
        world.set("AWS_SESSION_TOKEN", Self.token)
        world.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", Self.token)
        try world.write(
            "credentials",
            "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = \(Self.secret)\n"
                + "aws_session_token = \(Self.token)\n")
        try world.write("config", "[profile proc]\ncredential_process = /bin/echo \(Self.secret)\n")
        let environment = world.environment()
        expectClean(environment)
        let context = CredentialContext(environment: environment)
        expectClean(context)
        let files = try context.files.get()
        expectClean(files)
        expectClean(try #require(files.profile("default")))
        expectClean(try #require(try ProfileCredentialPlan.resolve("default", in: files, home: world.home)))
        expectClean(try #require(try ProfileCredentialPlan.resolve("proc", in: files, home: world.home)))
        for source in CredentialChain.sources(context) { expectClean(source) }
        expectClean(STSClient(context: context))
        expectClean(CredentialHTTP.Response(status: 200, body: Array(Self.secret.utf8)))
        let provider = try await world.resolve()
        expectClean(provider)
        #expect(try await current(provider).secretAccessKey == Self.secret)
    }
}
