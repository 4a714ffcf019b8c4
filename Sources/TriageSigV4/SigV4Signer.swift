/// Signs requests with AWS Signature Version 4, in an `Authorization` header or as a presigned query.
public struct SigV4Signer: Sendable {
    /// The credentials signing the requests.
    public var credentials: SigV4Credentials
    /// The Region of the credential scope.
    public var region: String
    /// The signing name of the service.
    public var service: String
    /// How the canonical URI is formed.
    public var options: CanonicalRequest.Options
    /// Add and sign `x-amz-content-sha256` with the body hash (header signing).
    public var signsBodyHashHeader: Bool
    /// Add the session token after signing instead of signing it (some services want that; most do not).
    public var omitsSessionTokenFromSignature: Bool
    /// Where derived signing keys are kept.
    public var keyCache: SigningKeyCache

    /// A signer for `service` in `region`.
    public init(
        credentials: SigV4Credentials, region: String, service: String,
        options: CanonicalRequest.Options = CanonicalRequest.Options(), signsBodyHashHeader: Bool = false,
        omitsSessionTokenFromSignature: Bool = false, keyCache: SigningKeyCache = SigningKeyCache()
    ) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
        self.signsBodyHashHeader = signsBodyHashHeader
        self.omitsSessionTokenFromSignature = omitsSessionTokenFromSignature
        self.keyCache = keyCache
    }

    /// Signs `request` at `date` with an `Authorization` header; every header present is signed except
    /// `SigV4.unsignedHeaders`. An existing `X-Amz-Date` takes `date`'s value; an existing `Authorization` goes.
    public func sign(_ request: SigV4Request, at date: SigningDate) -> SignedRequest {
        var request = request
        request.headers.removeAll { $0.name.lowercased() == "authorization" }
        if let index = request.headers.firstIndex(where: { $0.name.lowercased() == "x-amz-date" }) {
            request.headers[index].value = date.amzDate
        } else {
            request.headers.append(.init("X-Amz-Date", date.amzDate))
        }
        if signsBodyHashHeader, !request.hasHeader("x-amz-content-sha256") {
            request.headers.append(.init("X-Amz-Content-Sha256", CanonicalRequest.payloadHash(of: request)))
        }
        let token = credentials.sessionToken
        if let token, !omitsSessionTokenFromSignature, !request.hasHeader("x-amz-security-token") {
            request.headers.append(.init("X-Amz-Security-Token", token))
        }
        let scope = CredentialScope(date: date.scopeDate, region: region, service: service)
        let names = request.headers.map { $0.name.lowercased() }.filter { !SigV4.unsignedHeaders.contains($0) }
        let canonical = CanonicalRequest(request: request, signedHeaders: names, options: options)
        let stringToSign = SigningKey.stringToSign(canonicalRequest: canonical, date: date, scope: scope)
        let signature = signingKey(scope).signature(of: stringToSign)
        let authorization = AuthorizationHeader(
            accessKeyId: credentials.accessKeyId, scope: scope, signedHeaders: canonical.signedHeaders,
            signature: signature
        ).value
        if let token, omitsSessionTokenFromSignature, !request.hasHeader("x-amz-security-token") {
            request.headers.append(.init("X-Amz-Security-Token", token))
        }
        request.headers.append(.init("Authorization", authorization))
        return SignedRequest(
            request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature,
            authorization: authorization)
    }

    /// Presigns `request` at `date` for `expires` seconds (1…604 800): the `X-Amz-*` parameters and the signature
    /// are appended to the query; every header present is signed except `SigV4.unsignedHeaders`.
    public func presign(_ request: SigV4Request, at date: SigningDate, expires: Int64) -> SignedRequest {
        var request = request
        let scope = CredentialScope(date: date.scopeDate, region: region, service: service)
        let names = request.headers.map { $0.name.lowercased() }.filter { !SigV4.unsignedHeaders.contains($0) }
        let signedHeaders = Array(Set(names)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var parameters: [(String, String)] = [
            (SigV4.Query.algorithm, SigV4.algorithm),
            (SigV4.Query.credential, credentials.accessKeyId + "/" + scope.description),
            (SigV4.Query.date, date.amzDate),
            (SigV4.Query.signedHeaders, signedHeaders.joined(separator: ";")),
            (SigV4.Query.expires, String(expires)),
        ]
        let token = credentials.sessionToken
        if let token, !omitsSessionTokenFromSignature { parameters.append((SigV4.Query.securityToken, token)) }
        request.query = Self.appending(parameters, to: request.query)
        let canonical = CanonicalRequest(request: request, signedHeaders: signedHeaders, options: options)
        let stringToSign = SigningKey.stringToSign(canonicalRequest: canonical, date: date, scope: scope)
        let signature = signingKey(scope).signature(of: stringToSign)
        var after: [(String, String)] = []
        if let token, omitsSessionTokenFromSignature { after.append((SigV4.Query.securityToken, token)) }
        after.append((SigV4.Query.signature, signature))
        request.query = Self.appending(after, to: request.query)
        return SignedRequest(
            request: request, canonicalRequest: canonical, stringToSign: stringToSign, signature: signature,
            authorization: nil)
    }

    private func signingKey(_ scope: CredentialScope) -> SigningKey {
        keyCache.key(accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, scope: scope)
    }

    private static func appending(_ parameters: [(String, String)], to query: String) -> String {
        let added = parameters.map { SigV4Encoding.encode($0.0) + "=" + SigV4Encoding.encode($0.1) }
        return ([query].filter { !$0.isEmpty } + added).joined(separator: "&")
    }
}
