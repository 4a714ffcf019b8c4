import Foundation
import Testing
import TriageSigV4

/// Every case of the aws-c-auth suite (`sigv4-aws-c-auth/v4/`), header signing and presigned query signing.
@Suite struct CAuthSuiteTests {
    /// `omit_session_token: true`: the token is sent but not signed, which the verifier refuses by design.
    static let tokenAddedAfterSigning = "post-sts-header-after"

    @Test func everyCaseFolderIsFound() {
        // SOURCES.md: 38 cases (the v4a/ECDSA suite was not copied: SigV4A is out of scope).
        #expect(CAuthCase.all.count == 38)
    }

    @Test(arguments: CAuthCase.all)
    func headerSigningByteForByte(_ vector: CAuthCase) {
        let signed = vector.signer.sign(vector.request, at: vector.date)
        #expect(signed.canonicalRequest.text == vector.text("header-canonical-request.txt"))
        #expect(signed.stringToSign == vector.text("header-string-to-sign.txt"))
        #expect(signed.signature == vector.text("header-signature.txt"))
        #expect(
            VectorRequest.authorization(inSignedRequest: vector.text("header-signed-request.txt"))
                == signed.authorization)
    }

    @Test(arguments: CAuthCase.all)
    func querySigningByteForByte(_ vector: CAuthCase) {
        let signed = vector.signer.presign(
            vector.request, at: vector.date, expires: vector.context.expiration_in_seconds)
        #expect(signed.canonicalRequest.text == vector.text("query-canonical-request.txt"))
        #expect(signed.stringToSign == vector.text("query-string-to-sign.txt"))
        #expect(signed.signature == vector.text("query-signature.txt"))
        let requestLine = vector.text("query-signed-request.txt").split(separator: "\n").first.map(String.init)
        let ours = "\(signed.request.method) \(signed.request.path)?\(signed.request.query) HTTP/1.1"
        #expect(requestLine == ours)
    }

    @Test(arguments: CAuthCase.all)
    func verifierOnHeaderSignedRequests(_ vector: CAuthCase) throws {
        let signed = vector.signer.sign(vector.request, at: vector.date)
        let verifier = Vectors.verifier(
            token: vector.context.credentials.token, normalizePath: vector.context.normalize)
        if vector.name == Self.tokenAddedAfterSigning {
            #expect(throws: SigV4Error.sessionTokenMismatch) {
                try verifier.verify(signed.request, now: vector.date)
            }
            return
        }
        _ = try verifier.verify(signed.request, now: vector.date)
        #expect(throws: SigV4Error.signatureMismatch) {
            try verifier.verify(Vectors.tampered(signed.request), now: vector.date)
        }
        var body = signed.request
        body.body.append(0x20)
        // With a signed `x-amz-content-sha256` the body is checked against it; without, the signature covers it.
        let expected: SigV4Error = vector.context.sign_body ? .payloadHashMismatch : .signatureMismatch
        #expect(throws: expected) { try verifier.verify(body, now: vector.date) }
        let wrongSecret = Vectors.verifier(
            secret: "x" + Vectors.secret, token: vector.context.credentials.token,
            normalizePath: vector.context.normalize)
        #expect(throws: SigV4Error.signatureMismatch) { try wrongSecret.verify(signed.request, now: vector.date) }
        let later = vector.date.adding(seconds: 360)
        #expect(throws: SigV4Error.signatureExpired(signed: vector.date, now: later)) {
            try verifier.verify(signed.request, now: later)
        }
    }

    @Test(arguments: CAuthCase.all)
    func verifierOnPresignedRequests(_ vector: CAuthCase) throws {
        let expires = vector.context.expiration_in_seconds
        let signed = vector.signer.presign(vector.request, at: vector.date, expires: expires)
        let verifier = Vectors.verifier(
            token: vector.context.credentials.token, normalizePath: vector.context.normalize)
        if vector.name == Self.tokenAddedAfterSigning {
            // The token is in the query but was appended after signing, so the signature cannot match.
            #expect(throws: SigV4Error.signatureMismatch) { try verifier.verify(signed.request, now: vector.date) }
            return
        }
        let verified = try verifier.verify(signed.request, now: vector.date)
        #expect(verified.presigned)
        _ = try verifier.verify(signed.request, now: vector.date.adding(seconds: expires))
        #expect(throws: SigV4Error.signatureMismatch) {
            try verifier.verify(Vectors.tampered(signed.request), now: vector.date)
        }
        let wrongSecret = Vectors.verifier(
            secret: "x" + Vectors.secret, token: vector.context.credentials.token,
            normalizePath: vector.context.normalize)
        #expect(throws: SigV4Error.signatureMismatch) { try wrongSecret.verify(signed.request, now: vector.date) }
        let earlier = vector.date.adding(seconds: -360)
        #expect(throws: SigV4Error.signatureNotYetCurrent(signed: vector.date, now: earlier)) {
            try verifier.verify(signed.request, now: earlier)
        }
        let expired = vector.date.adding(seconds: expires + 1)
        #expect(throws: SigV4Error.presignedRequestExpired(signed: vector.date, expires: expires, now: expired)) {
            try verifier.verify(signed.request, now: expired)
        }
    }
}
