import Testing

@testable import TriageSecurityHub

@Suite struct CredentialProcessTests {
    @Test func commandsSplitAsShlexDoes() throws {
        #expect(try CredentialProcess.split("a b  c") == ["a", "b", "c"])
        #expect(try CredentialProcess.split("'/tmp/my dir/x' --flag=\"a b\"") == ["/tmp/my dir/x", "--flag=a b"])
        #expect(try CredentialProcess.split(#"a\ b "c\"d" "e\f" ''"#) == ["a b", "c\"d", "e\\f", ""])
        #expect(try CredentialProcess.split("x # not a comment") == ["x", "#", "not", "a", "comment"])
        #expect(throws: SecurityHubError.self) { try CredentialProcess.split("'open") }
    }

    @Test func theProcessOutputIsTheCredentials() async throws {
        let world = try CredentialTestWorld()
        let expiration = world.clock.iso(after: 3600)
        let script = try world.write(
            "creds process.sh",
            """
            #!/bin/sh
            [ "$1" = "--role" ] && [ "$2" = "ci runner" ] || { echo "bad arguments: $*" >&2; exit 3; }
            cat <<JSON
            {"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token",
             "Expiration": "\(expiration)", "AccountId": "444455556666"}
            JSON

            """, mode: 0o755)
        try world.write("config", "[profile ci]\ncredential_process = '\(script)' --role \"ci runner\"\n")
        let provider = try await world.resolve(profile: "ci")
        #expect(provider.sourceName == "profile ci (credential-process)")
        let credentials = try await current(provider)
        #expect(credentials.accessKeyId == "ASIAPROC")
        #expect(credentials.secretAccessKey == "proc-secret")
        #expect(credentials.sessionToken == "proc-token")
        #expect(credentials.expiration == world.clock.now + 3_600_000)
        #expect(credentials.accountId == "444455556666")
    }

    @Test func aFailingProcessShowsStderrButNeverStdout() async throws {
        let world = try CredentialTestWorld()
        let script = try world.write(
            "fail.sh",
            """
            #!/bin/sh
            echo '{"Version": 1, "AccessKeyId": "AKIALEAK", "SecretAccessKey": "leaked-secret"}'
            echo "token expired, log in again" >&2
            echo "second line" >&2
            exit 2

            """, mode: 0o755)
        try world.write("config", "[default]\ncredential_process = \(script)\n")
        let error = try #require(await world.resolveError())
        #expect(error.code == .retrievalFailed)
        #expect(error.message.contains("exited with status 2: token expired, log in again"))
        #expect(!error.message.contains("second line"))
        #expect(!error.message.contains("leaked-secret"))
        #expect(!error.message.contains("AKIALEAK"))
    }

    @Test func aWrongVersionIsRefused() async throws {
        let world = try CredentialTestWorld()
        let script = try world.write(
            "v2.sh", "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n",
            mode: 0o755)
        try world.write("config", "[default]\ncredential_process = \(script)\n")
        let error = try #require(await world.resolveError())
        #expect(error.message.contains("Version is not 1"))
    }

    @Test func aProgramIsFoundOnThePath() async throws {
        let world = try CredentialTestWorld()
        try world.write(
            "triage-fake-creds",
            "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPATH\", \"SecretAccessKey\": \"S\"}'\n",
            mode: 0o755)
        world.set("PATH", world.root + ":/usr/bin:/bin")
        try world.write("config", "[default]\ncredential_process = triage-fake-creds\n")
        #expect(try await current(try await world.resolve()).accessKeyId == "AKIAPATH")
    }
}
