import Foundation
import Testing
import TriageSigV4

/// Every case of the classic suite (`sigv4/`): canonical request, string to sign and `Authorization` byte for byte,
/// and the verifier's answers to the signed request.
@Suite struct ClassicSuiteTests {
    /// `post-sts-header-after` adds the token after signing; the verifier insists on a signed token (serve.md:
    /// "must be sent as X-Amz-Security-Token and be signed"), so that case must be refused, not accepted.
    static let tokenAddedAfterSigning = "post-sts-header-after"

    static func signer(for vector: ClassicCase) -> SigV4Signer {
        let token: String? =
            switch vector.name {
            case "get-vanilla-with-session-token": Vectors.vanillaToken
            case "post-sts-header-before", tokenAddedAfterSigning: Vectors.stsToken
            default: nil
            }
        return SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyId: Vectors.accessKeyId, secretAccessKey: Vectors.secret, sessionToken: token),
            region: Vectors.region, service: Vectors.service,
            omitsSessionTokenFromSignature: vector.name == tokenAddedAfterSigning)
    }

    static func signed(_ vector: ClassicCase) -> SignedRequest {
        signer(for: vector).sign(VectorRequest.parse(try! Data(contentsOf: vector.file("req"))), at: Vectors.date)
    }

    @Test func everyCaseFolderIsFound() {
        // SOURCES.md: 31 upstream + 3 CRT cases.
        #expect(ClassicCase.all.count == 34)
    }

    @Test(arguments: ClassicCase.all)
    func signsByteForByte(_ vector: ClassicCase) {
        let signed = Self.signed(vector)
        #expect(signed.canonicalRequest.text == Vectors.text(vector.file("creq")))
        #expect(signed.stringToSign == Vectors.text(vector.file("sts")))
        #expect(signed.authorization == Vectors.text(vector.file("authz")))
        // The `.sreq` of get-vanilla-with-session-token reuses get-vanilla's signature (SOURCES.md, known slip).
        if vector.name != "get-vanilla-with-session-token" {
            #expect(
                VectorRequest.authorization(inSignedRequest: Vectors.text(vector.file("sreq"))) == signed.authorization)
        }
    }

    @Test(arguments: ClassicCase.all)
    func verifierAcceptsTheSignedRequestAndRejectsChanges(_ vector: ClassicCase) throws {
        let signed = Self.signed(vector)
        let token = Self.signer(for: vector).credentials.sessionToken
        let verifier = Vectors.verifier(token: token)
        if vector.name == Self.tokenAddedAfterSigning {
            #expect(throws: SigV4Error.sessionTokenMismatch) {
                try verifier.verify(signed.request, now: Vectors.date)
            }
            return
        }
        let verified = try verifier.verify(signed.request, now: Vectors.date)
        #expect(verified.accessKeyId == Vectors.accessKeyId)
        #expect(verified.presigned == false)
        #expect(throws: SigV4Error.signatureMismatch) {
            try verifier.verify(Vectors.tampered(signed.request), now: Vectors.date)
        }
        var body = signed.request
        body.body.append(0x20)
        #expect(throws: SigV4Error.signatureMismatch) { try verifier.verify(body, now: Vectors.date) }
        #expect(throws: SigV4Error.signatureMismatch) {
            try Vectors.verifier(secret: Vectors.secret + "x", token: token).verify(signed.request, now: Vectors.date)
        }
        let later = Vectors.date.adding(seconds: 360)
        #expect(throws: SigV4Error.signatureExpired(signed: Vectors.date, now: later)) {
            try verifier.verify(signed.request, now: later)
        }
        let earlier = Vectors.date.adding(seconds: -360)
        #expect(throws: SigV4Error.signatureNotYetCurrent(signed: Vectors.date, now: earlier)) {
            try verifier.verify(signed.request, now: earlier)
        }
        // Within the window on both sides.
        _ = try verifier.verify(signed.request, now: Vectors.date.adding(seconds: 300))
        _ = try verifier.verify(signed.request, now: Vectors.date.adding(seconds: -300))
    }
}
