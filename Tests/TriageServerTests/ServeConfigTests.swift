import Testing
import TriageCore
import TriageServer

/// `--config FILE`: the spec's example, the default config, and every kind of refusal, each
/// naming the member by its path and never showing a secret.
@Suite struct ServeConfigTests {
    typealias Samples = ServeConfigSamples

    private func parse(_ text: String) throws(ServerError) -> ServeConfig {
        try ServeConfig(json: Array(text.utf8))
    }

    @Test func theSpecExampleReads() throws {
        let config = try parse(Samples.specExample)
        #expect(!config.isDefault)
        #expect(config.credentials.map(\.accessKeyId) == ["AKIDADMIN", "AKIDMEMBER"])
        let member = try #require(config.credential(accessKeyId: "AKIDMEMBER"))
        #expect(member.secretAccessKey == "s3cr3t-member")
        #expect(member.account == "222222222222")
        #expect(member.sessionToken == "t0ken-member")
        #expect(member.expiresAt == 1_893_456_000_000)
        #expect(member.policies.count == 1)
        #expect(member.policies[0].statements.first?.effect == .deny)
        #expect(config.credential(accessKeyId: "AKIDADMIN")?.policies == [])
        #expect(config.credential(accessKeyId: "akidadmin") == nil)
        #expect(
            config.accounts.reachableAccounts(from: "111111111111") == ["111111111111", "222222222222", "333333333333"])
        #expect(config.accounts.reachableAccounts(from: "222222222222") == ["222222222222"])
        #expect(config.accounts.isSubscribed("333333333333"))
        #expect(!config.accounts.isSubscribed("444444444444"))
        #expect(config.quotas[.getFindings] == Quota(rate: 3, burst: 6))
        #expect(config.faults == FaultConfig(seed: 7))
    }

    @Test func withoutAConfigOneAdministratorReachesEveryAccount() {
        let config = ServeConfig.defaultConfig
        #expect(config.isDefault)
        let credential = config.credential(accessKeyId: "test")
        #expect(credential?.secretAccessKey == "test")
        #expect(credential?.account == "000000000000")
        #expect(credential?.sessionToken == nil && credential?.expiresAt == nil && credential?.policies == [])
        #expect(config.credential(accessKeyId: "other") == nil)
        #expect(config.accounts.isSubscribed("123456789012"))
        #expect(config.accounts.reachableAccounts(from: "000000000000") == nil)
        #expect(config.quotas[.batchUpdateFindings] == Quota(rate: 10, burst: 30))
        #expect(config.quotas[.batchImportFindings] == Quota(rate: 10, burst: 30))
        #expect(config.quotas[.getFindings] == Quota(rate: 3, burst: 6))
        #expect(config.faults == FaultConfig())
        #expect(!config.faults.drawsFaults)
    }

    @Test func operationsMissingFromQuotasKeepTheDefaultsAndRateZeroIsAccepted() throws {
        let config = try parse(Samples.document(rest: #", "quotas": {"GetFindings": {"rate": 0, "burst": 0}}"#))
        #expect(config.quotas[.getFindings] == Quota(rate: 0, burst: 0))
        #expect(config.quotas[.batchUpdateFindings] == Quota(rate: 10, burst: 30))
        #expect(config.quotas[.batchImportFindings] == Quota(rate: 10, burst: 30))
        #expect(try parse(Samples.document()).quotas == Quota.securityHubDefaults)
    }

    @Test func faultsAndAMinimalDocumentRead() throws {
        let config = try parse(
            Samples.document(
                rest:
                    #", "faults": {"seed": 18446744073709551615, "internalErrorRate": 1, "dropConnectionRate": 0.25, "#
                    + #""latencyMs": 1500, "unprocessedRate": 0.5}"#))
        #expect(
            config.faults
                == FaultConfig(
                    seed: .max, internalErrorRate: 1, dropConnectionRate: 0.25, latencyMs: 1500, unprocessedRate: 0.5))
        let minimal = try parse(
            #"{"accounts": {"000000000000": {}}, "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "#
                + #""account": "000000000000"}], "faults": {"latencyMs": 1500}}"#)
        #expect(minimal.faults.latencyMs == 1500)
        #expect(minimal.accounts.reachableAccounts(from: "000000000000") == ["000000000000"])
    }

    /// *Choice*: a key whose account is not in `accounts` loads; the server answers it
    /// `InvalidAccessException` (not subscribed), as serve.md's error table lists.
    @Test func aKeyOfAnAccountNotInAccountsLoadsUnsubscribed() throws {
        let config = try parse(
            Samples.document().replacingFirst(
                #""account": "111111111111"}"#,
                with: #""account": "111111111111"}, {"accessKeyId": "AKIDNOSUB", "secretAccessKey": "x", "#
                    + #""account": "999999999999"}"#))
        let credential = try #require(config.credential(accessKeyId: "AKIDNOSUB"))
        #expect(!config.accounts.isSubscribed(credential.account))
    }

    @Test func policiesMayBeEmptyAndStatementsASingleObject() throws {
        let config = try parse(
            Samples.document(policy: #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": ["*"]}}"#))
        let policy = try #require(config.credential(accessKeyId: "AKIDMEMBER")?.policies.first)
        #expect(policy.statements == [PolicyStatement(effect: .allow, actions: [ActionPattern("*")])])
        #expect(policy.version == nil)
        let none = try parse(Samples.document().replacingFirst("[\(Samples.denySuppressed)]", with: "[]"))
        #expect(none.credential(accessKeyId: "AKIDMEMBER")?.policies == [])
    }

    /// Every broken document above, and every way of printing a good config, without a secret or
    /// a session token.
    @Test func noMessageOrDescriptionShowsASecret() throws {
        let broken =
            ServeConfigRefusalTests.unknownMembers.map(\.0) + ServeConfigRefusalTests.refusals.map(\.0) + [
                Samples.document().replacingFirst(#""s3cr3t-admin""#, with: #"["s3cr3t-admin"]"#),
                Samples.document().replacingFirst(#""t0ken-member""#, with: #"{"t0ken-member": 1}"#),
                Samples.document().replacingFirst(#""secretAccessKey": "s3cr3t-admin""#, with: #""s3cr3t-admin": "x""#),
                Samples.document().replacingFirst(
                    #"{"accessKeyId": "AKIDADMIN""#,
                    with: #"{"secretAccessKey": "s3cr3t-x", "accessKeyId": "AKIDADMIN""#),
            ]
        #expect(
            Samples.refusal(broken[broken.count - 2])
                == "credentials[0]: has an unknown member, not named in case it is a secret (expected one of: accessKeyId, "
                + "secretAccessKey, account, sessionToken, expiresAt, policies)")
        #expect(
            Samples.refusal(Samples.document().replacingFirst(#""accounts""#, with: #""s3cr3t-admin": 1, "accounts""#))
                == "<secret>: is not a member of the config (expected one of: accounts, credentials, roles, aggregator, "
                + "quotas, faults)"
        )
        for document in broken {
            let message = try #require(Samples.refusal(document), "accepted: \(document)")
            #expect(!message.contains("s3cr3t") && !message.contains("t0ken"), "\(message)")
        }
        let config = try parse(Samples.specExample)
        var dumped = ""
        dump(config, to: &dumped)
        let member = try #require(config.credential(accessKeyId: "AKIDMEMBER"))
        var dumpedCredential = ""
        dump(member, to: &dumpedCredential)
        for text in [
            config.description, config.debugDescription, String(describing: config), String(reflecting: config), dumped,
            member.description, String(reflecting: member), dumpedCredential, "\([member])",
        ] {
            #expect(!text.contains("s3cr3t") && !text.contains("t0ken"), "\(text)")
        }
        #expect(
            member.description
                == "AKIDMEMBER (account 222222222222, session token, expires 2030-01-01T00:00:00.000Z, 1 policy)")
        #expect(config.description.contains("AKIDADMIN (account 111111111111)"))
        #expect(ServeConfig.defaultConfig.description.contains("accounts: every account"))
    }
}
