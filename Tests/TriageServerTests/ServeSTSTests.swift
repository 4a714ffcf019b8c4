import Foundation
import Testing
import TriageSigV4
import TriageTestSupport

/// STS through the real `triage serve` (issue 18, point 3): `AssumeRole` by a trusted account
/// hands out temporary credentials that act as the role's account everywhere (its findings, its
/// quota buckets); `GetCallerIdentity`; STS's errors in STS's XML shape.
@Suite struct ServeSTSTests {
    static let caller = "111111111111"
    static let roleAccount = "222222222222"
    static let other = "333333333333"
    static let roleArn = "arn:aws:iam::222222222222:role/triage"
    static let externalRoleArn = "arn:aws:iam::222222222222:role/partner"
    static let longRoleArn = "arn:aws:iam::222222222222:role/ops/long"

    /// The caller (111111111111) is trusted by the role of 222222222222; 333333333333 is not.
    /// BatchUpdateFindings: a bucket of 2 that does not refill during a test.
    static let config = """
        {"accounts": {"\(caller)": {}, "\(roleAccount)": {}, "\(other)": {}},
         "credentials": [
           {"accessKeyId": "AKIDCALLER", "secretAccessKey": "caller-secret", "account": "\(caller)"},
           {"accessKeyId": "AKIDOTHER", "secretAccessKey": "other-secret", "account": "\(other)"}],
         "roles": [
           {"arn": "\(roleArn)", "trust": ["\(caller)"]},
           {"arn": "\(externalRoleArn)", "trust": ["\(caller)", "\(other)"], "externalId": "partner-7"},
           {"arn": "\(longRoleArn)", "trust": ["\(caller)", "\(roleAccount)"], "maxSessionDuration": 43200}],
         "quotas": {"BatchUpdateFindings": {"rate": 0.001, "burst": 2}, "BatchImportFindings": {"rate": 0, "burst": 0},
                    "GetFindings": {"rate": 0, "burst": 0}}}
        """

    static let product = "arn:aws:securityhub:us-east-1::product/acme/scanner"

    let server: ServeProcess

    init() throws {
        server = try ServeProcess(config: Self.config)
    }

    func send(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> HTTPAnswer {
        try #require(try RawHTTP(port: server.port).exchange(bytes), "no answer", sourceLocation: sourceLocation)
    }

    /// `AssumeRole` of `roleArn` by the caller's key (or `key`): the answer.
    func assume(
        _ roleArn: String = roleArn, session: String = "triage", extra: [(String, String)] = [],
        key: String = "AKIDCALLER", secret: String = "caller-secret", token: String? = nil
    ) throws -> HTTPAnswer {
        try send(
            STSRequestBytes.assumeRole(
                roleArn, session: session, extra: extra, port: server.port, accessKeyId: key, secret: secret,
                sessionToken: token))
    }

    /// A Security Hub call signed with `session`'s credentials.
    func call(_ session: IssuedSession, _ method: String, _ path: String, _ body: String) throws -> HTTPAnswer {
        try send(
            HTTPRequestBytes.signed(
                method: method, path: path, port: server.port, body: Array(body.utf8),
                accessKeyId: session.accessKeyId, secret: session.secretAccessKey, sessionToken: session.sessionToken))
    }

    static func finding(_ id: String, account: String) -> String {
        """
        {"SchemaVersion": "2018-10-08", "Id": "\(id)", "ProductArn": "\(product)", "GeneratorId": "gen",
         "AwsAccountId": "\(account)", "CreatedAt": "2026-01-01T00:00:00.000Z", "UpdatedAt": "2026-01-01T00:00:00.000Z",
         "Title": "t", "Description": "d", "Resources": [{"Type": "Other", "Id": "r"}], "Severity": {"Label": "LOW"}}
        """
    }

    static func identifier(_ id: String) -> String { #"{"Id": "\#(id)", "ProductArn": "\#(product)"}"# }

    @Test func assumedCredentialsActAsTheRolesAccountAndReachNoOtherAccount() throws {
        let before = Date()
        let answer = try assume()
        let after = Date()
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.headers["content-type"] == "text/xml")
        #expect(answer.text.hasPrefix(#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#))
        #expect(answer.xml("RequestId") == answer.headers["x-amzn-requestid"])
        let session = try #require(IssuedSession(answer), "\(answer.text)")
        #expect(session.accessKeyId.hasPrefix("ASIA") && session.accessKeyId.count == 20)
        #expect(session.secretAccessKey.count == 40 && session.sessionToken.count > 100)
        #expect(session.arn == "arn:aws:sts::222222222222:assumed-role/triage/triage")
        #expect(session.assumedRoleId.hasPrefix("AROA") && session.assumedRoleId.hasSuffix(":triage"))
        // Expiration = now + 3600 s (the default), to the second.
        let expiration = try #require(ISO8601DateFormatter().date(from: session.expiration), "\(session.expiration)")
        #expect(expiration.timeIntervalSince(before) > 3599 && expiration.timeIntervalSince(after) <= 3600)

        // The role's account imports and updates its own finding; another account's is out of reach.
        #expect(
            try call(
                session, "POST", "/findings/import",
                #"{"Findings": [\#(Self.finding("mine", account: Self.roleAccount))]}"#
            )
            .json["SuccessCount"] as? Int == 1)
        let otherImport = try send(
            HTTPRequestBytes.signed(
                method: "POST", path: "/findings/import", port: server.port,
                body: Array(#"{"Findings": [\#(Self.finding("theirs", account: Self.other))]}"#.utf8),
                accessKeyId: "AKIDOTHER", secret: "other-secret"))
        #expect(otherImport.json["SuccessCount"] as? Int == 1, "\(otherImport.text)")
        let update = try call(
            session, "PATCH", "/findings/batchupdate",
            #"{"FindingIdentifiers": [\#(Self.identifier("mine")), \#(Self.identifier("theirs"))], "Workflow": {"Status": "RESOLVED"}}"#
        )
        #expect(update.status == 200, "\(update.text)")
        #expect((update.json["ProcessedFindings"] as? [[String: Any]])?.map { $0["Id"] as? String } == ["mine"])
        #expect(
            (update.json["UnprocessedFindings"] as? [[String: Any]])?.map { $0["ErrorCode"] as? String } == [
                "FindingNotFound"
            ])
        let seen = try call(session, "POST", "/findings", "{}").json["Findings"] as? [[String: Any]] ?? []
        #expect(seen.map { $0["Id"] as? String } == ["mine"])
        #expect((seen.first?["Workflow"] as? [String: Any])?["Status"] as? String == "RESOLVED")

        // The session token is required with the key, as for any temporary credential.
        let refused = try send(
            HTTPRequestBytes.signed(
                method: "POST", path: "/findings", port: server.port, body: Array("{}".utf8),
                accessKeyId: session.accessKeyId, secret: session.secretAccessKey))
        #expect(refused.errorType == "UnrecognizedClientException", "\(refused.text)")

        #expect(server.stop() == 0)
        let log = server.log
        #expect(log.contains(" \(Self.caller) us-east-1 AssumeRole 200 "), "\(log)")
        #expect(log.contains(" \(Self.roleAccount) us-east-1 BatchUpdateFindings 200 "), "\(log)")
        for secret in [session.secretAccessKey, session.sessionToken, "caller-secret", "other-secret"] {
            #expect(!log.contains(secret))
        }
    }

    @Test func sessionsUseTheRoleAccountsQuotaBucket() throws {
        let first = try #require(IssuedSession(try assume(session: "one")))
        let second = try #require(IssuedSession(try assume(session: "two")))
        let body = #"{"FindingIdentifiers": [\#(Self.identifier("none"))], "Workflow": {"Status": "RESOLVED"}}"#
        // The caller's own bucket (111111111111) is untouched by the sessions' requests (222222222222).
        #expect(try call(first, "PATCH", "/findings/batchupdate", body).status == 200)
        #expect(try call(second, "PATCH", "/findings/batchupdate", body).status == 200)
        #expect(try call(first, "PATCH", "/findings/batchupdate", body).errorType == "TooManyRequestsException")
        #expect(try call(second, "PATCH", "/findings/batchupdate", body).errorType == "TooManyRequestsException")
        for _ in 0..<2 {
            let own = try send(
                HTTPRequestBytes.signed(
                    method: "PATCH", path: "/findings/batchupdate", port: server.port, body: Array(body.utf8),
                    accessKeyId: "AKIDCALLER", secret: "caller-secret"))
            #expect(own.status == 200, "\(own.text)")
        }
    }

    @Test func getCallerIdentitySaysWhoSigned() throws {
        let user = try send(
            STSRequestBytes.signed(
                [("Action", "GetCallerIdentity")], port: server.port, accessKeyId: "AKIDCALLER", secret: "caller-secret"
            ))
        #expect(user.status == 200, "\(user.text)")
        #expect(user.text.hasPrefix(#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#))
        #expect(user.xml("Account") == Self.caller)
        #expect(user.xml("Arn") == "arn:aws:iam::111111111111:user/AKIDCALLER")
        #expect(user.xml("UserId")?.hasPrefix("AIDA") == true)
        let session = try #require(IssuedSession(try assume(session: "who")))
        let assumed = try send(
            STSRequestBytes.signed(
                [("Action", "GetCallerIdentity")], port: server.port, accessKeyId: session.accessKeyId,
                secret: session.secretAccessKey, sessionToken: session.sessionToken))
        #expect(assumed.xml("Account") == Self.roleAccount)
        #expect(assumed.xml("Arn") == "arn:aws:sts::222222222222:assumed-role/triage/who")
        #expect(assumed.xml("UserId") == session.assumedRoleId)
    }

    @Test func anUntrustedCallerOrAnUnknownRoleIsDenied() throws {
        for (role, key, secret, user) in [
            (Self.roleArn, "AKIDOTHER", "other-secret", "arn:aws:iam::333333333333:user/AKIDOTHER"),
            (
                "arn:aws:iam::222222222222:role/nosuch", "AKIDCALLER", "caller-secret",
                "arn:aws:iam::111111111111:user/AKIDCALLER"
            ),
            (
                "arn:aws:iam:222222222222:role/triage", "AKIDCALLER", "caller-secret",
                "arn:aws:iam::111111111111:user/AKIDCALLER"
            ),
        ] {
            let answer = try assume(role, key: key, secret: secret)
            #expect(answer.status == 403, "\(answer.text)")
            #expect(
                answer.text.hasPrefix(
                    #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>"#
                ), "\(answer.text)")
            #expect(
                answer.xml("Message")
                    == "User: \(user) is not authorized to perform: sts:AssumeRole on resource: \(role)")
            #expect(answer.xml("RequestId") == answer.headers["x-amzn-requestid"])
        }
        // A role requiring an external id: denied without it or with another, granted with it.
        #expect(try assume(Self.externalRoleArn).stsCode == "AccessDenied")
        #expect(try assume(Self.externalRoleArn, extra: [("ExternalId", "partner-8")]).stsCode == "AccessDenied")
        #expect(try assume(Self.externalRoleArn, extra: [("ExternalId", "partner-7")]).status == 200)
    }

    @Test func parametersAreCheckedAsSTSChecksThem() throws {
        func error(_ parameters: [(String, String)], key: String = "AKIDCALLER", secret: String = "caller-secret")
            throws -> (Int, String?, String?)
        {
            let answer = try send(
                STSRequestBytes.signed(parameters, port: server.port, accessKeyId: key, secret: secret))
            return (answer.status, answer.stsCode, answer.xml("Message"))
        }
        let missing = try error([("Action", "AssumeRole"), ("RoleArn", Self.roleArn)])
        #expect(missing.0 == 400 && missing.1 == "ValidationError")
        #expect(
            missing.2 == "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: "
                + "Member must not be null")
        let bad = try error([
            ("Action", "AssumeRole"), ("RoleArn", Self.roleArn), ("RoleSessionName", "a/b"), ("DurationSeconds", "899"),
        ])
        #expect(
            bad.2 == "2 validation errors detected: Value 'a/b' at 'roleSessionName' failed to satisfy constraint: "
                + "Member must satisfy regular expression pattern: [\\w+=,.@-]*; Value '899' at 'durationSeconds' "
                + "failed to satisfy constraint: Member must have value greater than or equal to 900")
        let long = try error([
            ("Action", "AssumeRole"), ("RoleArn", Self.roleArn), ("RoleSessionName", "s1"), ("DurationSeconds", "7200"),
        ])
        #expect(long.1 == "ValidationError")
        #expect(long.2 == "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        let granted = try assume(Self.longRoleArn, extra: [("DurationSeconds", "43200")])
        #expect(granted.status == 200, "\(granted.text)")
        // Role chaining: a session of the long role (account 222222222222, trusted) may not ask for over an hour.
        let session = try #require(IssuedSession(granted))
        let chained = try assume(
            Self.longRoleArn, extra: [("DurationSeconds", "3601")], key: session.accessKeyId,
            secret: session.secretAccessKey, token: session.sessionToken)
        #expect(
            chained.xml("Message")
                == "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
        #expect(
            try assume(
                Self.longRoleArn, key: session.accessKeyId, secret: session.secretAccessKey, token: session.sessionToken
            ).status == 200)

        let unknown = try error([("Action", "ListRoles")])
        #expect(unknown.0 == 400 && unknown.1 == "InvalidAction")
        #expect(unknown.2 == "Could not find operation ListRoles for version 2011-06-15")
        #expect(try error([("Action", "GetSessionToken")]).1 == "InvalidAction")
        #expect(try error([("RoleArn", Self.roleArn)]).1 == "MissingAction")
    }

    @Test func signatureErrorsAreAnsweredInSTSsShape() throws {
        let port = server.port
        let parameters = [("Action", "GetCallerIdentity")]
        func expectError(_ bytes: [UInt8], _ status: Int, _ code: String, _ message: String? = nil) throws {
            let answer = try send(bytes)
            #expect(answer.status == status, "\(answer.text)")
            #expect(answer.headers["content-type"] == "text/xml")
            #expect(answer.stsCode == code, "\(answer.text)")
            if let message { #expect(answer.xml("Message") == message) }
        }
        try expectError(
            STSRequestBytes.signed(parameters, port: port, accessKeyId: "AKIDNOSUCH", secret: "x"), 403,
            "InvalidClientTokenId", "The security token included in the request is invalid.")
        try expectError(
            STSRequestBytes.signed(parameters, port: port, accessKeyId: "AKIDCALLER", secret: "wrong"), 403,
            "SignatureDoesNotMatch")
        try expectError(
            STSRequestBytes.signed(
                parameters, port: port, accessKeyId: "AKIDCALLER", secret: "caller-secret", service: "securityhub"),
            403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'.")
        try expectError(
            HTTPRequestBytes.request(
                method: "POST", path: "/", port: port, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("Action=GetCallerIdentity&Version=2011-06-15".utf8)),
            403, "MissingAuthenticationToken")
        // A Security Hub operation signed for STS is refused as Security Hub refuses another service.
        let swapped = try send(
            STSRequestBytes.signed([], port: port, accessKeyId: "AKIDCALLER", secret: "caller-secret")
                .replacingFirst(Array("POST / ".utf8), with: Array("POST /findings ".utf8)))
        #expect(swapped.errorType == "InvalidSignatureException", "\(swapped.text)")
        #expect(swapped.json["Message"] as? String == "Credential should be scoped to correct service: 'securityhub'.")
    }
}

extension Array where Element == UInt8 {
    /// The bytes with the first run equal to `target` replaced by `replacement`.
    func replacingFirst(_ target: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard let start = indices.first(where: { self[$0...].starts(with: target) }) else { return self }
        return Array(self[..<start]) + replacement + Array(self[(start + target.count)...])
    }
}
