import Testing
import TriageSigV4

/// Each rejection reason of the verifier (serve.md's error table), on requests signed here for `securityhub`.
@Suite struct VerifierRejectionTests {
    static let now = SigningDate(amzDate: "20260102T030405Z")!
    static let token = "session-token-value"
    static let keys: [String: VerificationKey] = [
        "AKIDADMIN": VerificationKey(secretAccessKey: "admin-secret"),
        "AKIDMEMBER": VerificationKey(secretAccessKey: "member-secret", sessionToken: token),
    ]
    static let verifier = SigV4Verifier(region: "us-east-1", service: "securityhub") { keys[$0] }

    static func request(body: String = #"{"FindingIdentifiers":[]}"#) -> SigV4Request {
        SigV4Request(
            method: "PATCH", path: "/findings/batchupdate",
            headers: [
                .init("Host", "127.0.0.1:4510"), .init("Content-Type", "application/json"),
                .init("User-Agent", "Boto3/1.40"),
            ], body: Array(body.utf8))
    }

    static func signer(
        _ accessKeyId: String = "AKIDADMIN", secret: String = "admin-secret", token: String? = nil,
        region: String = "us-east-1", service: String = "securityhub"
    ) -> SigV4Signer {
        SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: token),
            region: region, service: service)
    }

    static func rejection(_ request: SigV4Request, now: SigningDate = now) -> SigV4Error? {
        do {
            _ = try verifier.verify(request, now: now)
            return nil
        } catch {
            return error
        }
    }

    static func replacingAuthorization(_ request: SigV4Request, with value: String) -> SigV4Request {
        var copy = request
        copy.headers.removeAll { $0.name == "Authorization" }
        copy.headers.append(.init("Authorization", value))
        return copy
    }

    @Test func acceptsAndReportsWhoSigned() throws {
        let signed = Self.signer().sign(Self.request(), at: Self.now)
        let verified = try Self.verifier.verify(signed.request, now: Self.now)
        #expect(verified.accessKeyId == "AKIDADMIN")
        #expect(verified.scope == CredentialScope(date: "20260102", region: "us-east-1", service: "securityhub"))
        #expect(verified.signedHeaders == ["content-type", "host", "x-amz-date"])
        #expect(verified.date == Self.now)
    }

    @Test func noAuthorizationIsMissingAuthentication() {
        let rejection = Self.rejection(Self.request())
        #expect(rejection == .missingAuthentication)
        #expect(rejection?.requestError.name == "MissingAuthenticationTokenException")
        #expect(rejection?.requestError.status == 403)
    }

    @Test(arguments: [
        ("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc", ["Credential"]),
        (
            "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260102/us-east-1/securityhub/aws4_request, Signature=abc",
            ["SignedHeaders"]
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260102/us-east-1/securityhub/aws4_request, SignedHeaders=host",
            ["Signature"]
        ),
        ("AWS4-HMAC-SHA256 ", ["Credential", "SignedHeaders", "Signature"]),
        // A missing comma makes `SignedHeaders=…` part of the credential value.
        (
            "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260102/us-east-1/securityhub/aws4_request SignedHeaders=host, Signature=a",
            ["SignedHeaders"]
        ),
    ])
    func missingComponentsAreIncomplete(_ authorization: String, _ missing: [String]) {
        let signed = Self.signer().sign(Self.request(), at: Self.now)
        let rejection = Self.rejection(Self.replacingAuthorization(signed.request, with: authorization))
        #expect(rejection == .incompleteSignature(missing: missing))
        #expect(rejection?.requestError.name == "IncompleteSignatureException")
        #expect(rejection?.requestError.status == 400)
    }

    @Test func noDateIsIncomplete() {
        var request = Self.signer().sign(Self.request(), at: Self.now).request
        request.headers.removeAll { $0.name == "X-Amz-Date" }
        let rejection = Self.rejection(request)
        #expect(rejection == .incompleteSignature(missing: ["X-Amz-Date"]))
        #expect(rejection?.description.contains("'X-Amz-Date' or a 'Date' header") == true)
    }

    @Test(arguments: [
        "AWS4-HMAC-SHA512 Credential=AKIDADMIN/20260102/us-east-1/securityhub/aws4_request, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260102/us-east-1/aws4_request, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=AKIDADMIN/2026010/us-east-1/securityhub/aws4_request, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=AKIDADMIN/20260102/us-east-1/securityhub/aws5_request, SignedHeaders=host, Signature=a",
    ])
    func malformedAuthorizationIsIncomplete(_ authorization: String) {
        let signed = Self.signer().sign(Self.request(), at: Self.now)
        let rejection = Self.rejection(Self.replacingAuthorization(signed.request, with: authorization))
        guard rejection?.code == .malformedAuthorization else {
            Issue.record("expected malformedAuthorization, got \(String(describing: rejection))")
            return
        }
        #expect(rejection?.requestError.name == "IncompleteSignatureException")
    }

    @Test func unreadableDateIsMalformed() {
        var request = Self.signer().sign(Self.request(), at: Self.now).request
        let index = request.headers.firstIndex { $0.name == "X-Amz-Date" }!
        request.headers[index].value = "2026-01-02T03:04:05Z"
        guard Self.rejection(request)?.code == .malformedAuthorization else {
            Issue.record("expected malformedAuthorization")
            return
        }
    }

    @Test func unknownKeyIsUnrecognizedClient() {
        let signed = Self.signer("AKIDNOBODY").sign(Self.request(), at: Self.now)
        let rejection = Self.rejection(signed.request)
        #expect(rejection == .unknownAccessKey)
        #expect(rejection?.requestError.name == "UnrecognizedClientException")
        #expect(rejection?.requestError.status == 403)
    }

    @Test func wrongSecretIsSignatureMismatch() {
        let signed = Self.signer(secret: "not-the-secret").sign(Self.request(), at: Self.now)
        let rejection = Self.rejection(signed.request)
        #expect(rejection == .signatureMismatch)
        #expect(rejection?.requestError.name == "InvalidSignatureException")
        #expect(rejection?.requestError.status == 403)
    }

    @Test func scopeMustNameTheRegionServiceAndDate() {
        #expect(
            Self.rejection(Self.signer(region: "eu-west-1").sign(Self.request(), at: Self.now).request)
                == .credentialScopeMismatch("a valid region, 'us-east-1'"))
        #expect(
            Self.rejection(Self.signer(service: "s3").sign(Self.request(), at: Self.now).request)
                == .credentialScopeMismatch("correct service: 'securityhub'"))
        var request = Self.signer().sign(Self.request(), at: Self.now).request
        let index = request.headers.firstIndex { $0.name == "X-Amz-Date" }!
        request.headers[index].value = Self.now.adding(seconds: -86_400).amzDate
        #expect(
            Self.rejection(request, now: Self.now.adding(seconds: -86_400))
                == .credentialScopeMismatch("the date of X-Amz-Date"))
    }

    @Test func withoutARegionTheScopeMustNameOneOfTheVerifiersRegions() throws {
        let verifier = SigV4Verifier(region: nil, regions: ["us-east-1", "cn-north-1"], service: "securityhub") {
            Self.keys[$0]
        }
        for region in ["us-east-1", "cn-north-1"] {
            let signed = Self.signer(region: region).sign(Self.request(), at: Self.now)
            #expect(try verifier.verify(signed.request, now: Self.now).scope.region == region)
        }
        for region in ["xx-fake-1", "", "US-EAST-1"] {
            let signed = Self.signer(region: region).sign(Self.request(), at: Self.now)
            #expect(throws: SigV4Error.credentialScopeMismatch("a valid region, not '\(region)'")) {
                try verifier.verify(signed.request, now: Self.now)
            }
        }
        let rejection = SigV4Error.credentialScopeMismatch("a valid region, not 'xx-fake-1'")
        #expect(rejection.description == "Credential should be scoped to a valid region, not 'xx-fake-1'.")
        #expect(rejection.requestError.name == "InvalidSignatureException")
        #expect(rejection.requestError.status == 403)
        // Without a list any Region but an empty one passes.
        let any = SigV4Verifier(region: nil, service: "securityhub") { Self.keys[$0] }
        let invented = Self.signer(region: "xx-fake-1").sign(Self.request(), at: Self.now)
        #expect(try any.verify(invented.request, now: Self.now).scope.region == "xx-fake-1")
        let empty = Self.signer(region: "").sign(Self.request(), at: Self.now)
        #expect(throws: SigV4Error.credentialScopeMismatch("a valid region, not ''")) {
            try any.verify(empty.request, now: Self.now)
        }
    }

    @Test func clockSkewBeyondFiveMinutes() {
        let request = Self.signer().sign(Self.request(), at: Self.now).request
        let later = Self.now.adding(seconds: 301)
        let expired = Self.rejection(request, now: later)
        #expect(expired == .signatureExpired(signed: Self.now, now: later))
        #expect(expired?.requestError.status == 400)
        #expect(expired?.requestError.name == "InvalidSignatureException")
        #expect(
            expired?.description
                == "Signature expired: 20260102T030405Z is now earlier than 20260102T030406Z (20260102T030906Z - 5 min.)"
        )
        let earlier = Self.now.adding(seconds: -301)
        let early = Self.rejection(request, now: earlier)
        #expect(early == .signatureNotYetCurrent(signed: Self.now, now: earlier))
        #expect(early?.description.hasPrefix("Signature not yet current: 20260102T030405Z is still later than") == true)
        #expect(Self.rejection(request, now: Self.now.adding(seconds: 300)) == nil)
        #expect(Self.rejection(request, now: Self.now.adding(seconds: -300)) == nil)
    }

    @Test func hostMustBeSigned() {
        var request = Self.request()
        request.headers.removeAll { $0.name == "Host" }
        var signed = Self.signer().sign(request, at: Self.now).request
        signed.headers.insert(.init("Host", "127.0.0.1:4510"), at: 0)
        #expect(Self.rejection(signed) == .hostNotSigned)
    }

    @Test func sessionTokenMustBeSentSignedAndEqual() throws {
        let member = Self.signer("AKIDMEMBER", secret: "member-secret", token: Self.token)
        let signed = member.sign(Self.request(), at: Self.now).request
        #expect(try Self.verifier.verify(signed, now: Self.now).accessKeyId == "AKIDMEMBER")
        // Without a token.
        let none = Self.signer("AKIDMEMBER", secret: "member-secret").sign(Self.request(), at: Self.now).request
        #expect(Self.rejection(none) == .sessionTokenMismatch)
        // Another token.
        let other = Self.signer("AKIDMEMBER", secret: "member-secret", token: "other").sign(
            Self.request(), at: Self.now)
        #expect(Self.rejection(other.request) == .sessionTokenMismatch)
        // The right token, added after signing.
        var unsignedToken = member
        unsignedToken.omitsSessionTokenFromSignature = true
        #expect(Self.rejection(unsignedToken.sign(Self.request(), at: Self.now).request) == .sessionTokenMismatch)
        // A token for a key that has none.
        let admin = Self.signer(token: Self.token).sign(Self.request(), at: Self.now).request
        #expect(Self.rejection(admin) == .sessionTokenMismatch)
        #expect(SigV4Error.sessionTokenMismatch.requestError.name == "UnrecognizedClientException")
    }

    @Test func declaredPayloadHashIsChecked() throws {
        var request = Self.request()
        request.headers.append(.init("X-Amz-Content-Sha256", SigV4.unsignedPayload))
        let unsigned = Self.signer().sign(request, at: Self.now)
        #expect(unsigned.canonicalRequest.payloadHash == "UNSIGNED-PAYLOAD")
        _ = try Self.verifier.verify(unsigned.request, now: Self.now)
        var changedBody = unsigned.request
        changedBody.body = Array("{}".utf8)
        _ = try Self.verifier.verify(changedBody, now: Self.now)

        var hashed = Self.signer()
        hashed.signsBodyHashHeader = true
        let signed = hashed.sign(Self.request(), at: Self.now)
        _ = try Self.verifier.verify(signed.request, now: Self.now)
        var tampered = signed.request
        tampered.body = Array("{}".utf8)
        #expect(Self.rejection(tampered) == .payloadHashMismatch)
    }

    @Test func presignedRequestsAreVerified() throws {
        let signed = Self.signer("AKIDMEMBER", secret: "member-secret", token: Self.token).presign(
            Self.request(), at: Self.now, expires: 60)
        #expect(try Self.verifier.verify(signed.request, now: Self.now.adding(seconds: 60)).presigned)
        #expect(
            Self.rejection(signed.request, now: Self.now.adding(seconds: 61))
                == .presignedRequestExpired(signed: Self.now, expires: 60, now: Self.now.adding(seconds: 61)))
        var noSignature = signed.request
        noSignature.query = noSignature.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Signature=") }
            .joined(separator: "&")
        #expect(Self.rejection(noSignature) == .incompleteSignature(missing: ["Signature"]))
        let tooLong = Self.signer().presign(Self.request(), at: Self.now, expires: 604_801)
        guard Self.rejection(tooLong.request)?.code == .malformedAuthorization else {
            Issue.record("expected malformedAuthorization for X-Amz-Expires over 7 days")
            return
        }
    }

    @Test func messagesNeverCarrySecretsTokensOrSignatures() {
        let member = Self.signer("AKIDMEMBER", secret: "member-secret", token: "other").sign(
            Self.request(), at: Self.now)
        let wrongSecret = Self.signer(secret: "wrong").sign(Self.request(), at: Self.now)
        for (request, signature) in [(member.request, member.signature), (wrongSecret.request, wrongSecret.signature)] {
            let text = Self.rejection(request).map { "\($0) \($0.requestError.name)" } ?? ""
            #expect(!text.isEmpty)
            for secret in ["member-secret", "admin-secret", "wrong", Self.token, "other", signature] {
                #expect(!text.contains(secret))
            }
        }
        #expect(
            !"\(SigV4Credentials(accessKeyId: "A", secretAccessKey: "s3cr3t", sessionToken: "t0k"))".contains("s3cr3t"))
        let signed = Self.signer("AKIDMEMBER", secret: "member-secret", token: Self.token).sign(
            Self.request(), at: Self.now)
        #expect(!"\(signed.request)".contains(Self.token))
        #expect(!"\(signed.request)".contains(signed.signature))
        let scope = CredentialScope(date: "20260102", region: "us-east-1", service: "securityhub")
        #expect("\(SigningKey(secretAccessKey: "s3cr3t", scope: scope))" == "SigningKey(redacted)")
        #expect(!"\(VerificationKey(secretAccessKey: "s3cr3t", sessionToken: "t0k"))".contains("t0k"))
    }
}
