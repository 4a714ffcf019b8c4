import Crypto

/// Verifies SigV4-signed requests (an `Authorization` header or a presigned query) with the same canonicalisation
/// the signer uses.
///
/// Checks, in order: the `Authorization` parts and `X-Amz-Date` are there and readable; the scope date is the
/// `X-Amz-Date` day, the Region is the verifier's (when set; else a non-empty one, of `regions` when set) and the
/// service is the verifier's (when set); the time is within 5 minutes of `now`
/// (presigned: not before `X-Amz-Date` − 5 min, not after `X-Amz-Date` + `X-Amz-Expires`); `host` is signed;
/// the access key is known; the session token matches the key's and is signed; the signature matches (compared in
/// constant time); a declared `x-amz-content-sha256` is the body's hash or `UNSIGNED-PAYLOAD`.
public struct SigV4Verifier: Sendable {
    /// Finds the secret (and session token) of an access key id; `nil` for an unknown key.
    public typealias KeyLookup = @Sendable (_ accessKeyId: String) -> VerificationKey?

    /// The Region the scope must name; `nil` accepts any of ``regions``.
    public var region: String?
    /// When ``region`` is `nil`, the Regions the scope may name; `nil` accepts any non-empty name.
    public var regions: Set<String>?
    /// The service signing name the scope must name; `nil` accepts any.
    public var service: String?
    /// How the canonical URI is formed (as the signer did).
    public var options: CanonicalRequest.Options
    /// Where derived signing keys are kept.
    public var keyCache: SigningKeyCache
    private let lookup: KeyLookup

    /// A verifier for `service` in `region` (or, without one, in any of `regions`) finding keys through `lookup`.
    public init(
        region: String?, regions: Set<String>? = nil, service: String?,
        options: CanonicalRequest.Options = CanonicalRequest.Options(), keyCache: SigningKeyCache = SigningKeyCache(),
        lookup: @escaping KeyLookup
    ) {
        self.region = region
        self.regions = regions
        self.service = service
        self.options = options
        self.keyCache = keyCache
        self.lookup = lookup
    }

    /// Verifies `request` against the clock reading `now`.
    public func verify(_ request: SigV4Request, now: SigningDate) throws(SigV4Error) -> VerifiedRequest {
        if let authorization = request.firstValue(of: "authorization") {
            return try verifyHeader(request, authorization: authorization, now: now)
        }
        let query = Self.queryParameters(request.query)
        if query[SigV4.Query.algorithm] != nil {
            return try verifyPresigned(request, query: query, now: now)
        }
        throw .missingAuthentication
    }

    private func verifyHeader(
        _ request: SigV4Request, authorization: String, now: SigningDate
    ) throws(SigV4Error) -> VerifiedRequest {
        let dateValue = request.firstValue(of: "x-amz-date")
        let header = try AuthorizationHeader.parse(authorization, hasDate: dateValue != nil)
        guard let dateValue, let date = SigningDate(amzDate: CanonicalRequest.canonicalHeaderValue(dateValue)) else {
            throw .malformedAuthorization("X-Amz-Date is not yyyyMMddTHHmmssZ")
        }
        try checkScope(header.scope, date: date)
        try checkSkew(date: date, now: now)
        guard header.signedHeaders.contains("host") else { throw .hostNotSigned }
        guard let key = lookup(header.accessKeyId) else { throw .unknownAccessKey }
        try checkToken(
            sent: request.firstValue(of: "x-amz-security-token").map(CanonicalRequest.canonicalHeaderValue),
            signed: header.signedHeaders.contains("x-amz-security-token"), key: key)
        let canonical = CanonicalRequest(request: request, signedHeaders: header.signedHeaders, options: options)
        try checkSignature(
            header.signature, request: request, canonical: canonical, date: date, scope: header.scope,
            accessKeyId: header.accessKeyId,
            key: key)
        return VerifiedRequest(
            accessKeyId: header.accessKeyId, scope: header.scope, date: date, signedHeaders: canonical.signedHeaders,
            presigned: false)
    }

    private func verifyPresigned(
        _ request: SigV4Request, query: [String: String], now: SigningDate
    ) throws(SigV4Error) -> VerifiedRequest {
        guard query[SigV4.Query.algorithm] == SigV4.algorithm else {
            throw .malformedAuthorization("unsupported algorithm (only \(SigV4.algorithm))")
        }
        var missing: [String] = []
        for (name, label) in [
            (SigV4.Query.credential, "Credential"), (SigV4.Query.signedHeaders, "SignedHeaders"),
            (SigV4.Query.signature, "Signature"), (SigV4.Query.date, "X-Amz-Date"),
        ] where query[name] == nil {
            missing.append(label)
        }
        guard missing.isEmpty, let credential = query[SigV4.Query.credential],
            let signedHeaderList = query[SigV4.Query.signedHeaders], let signature = query[SigV4.Query.signature],
            let dateValue = query[SigV4.Query.date]
        else { throw .incompleteSignature(missing: missing) }
        let (accessKeyId, scope) = try AuthorizationHeader.parseCredential(credential)
        guard let date = SigningDate(amzDate: dateValue) else {
            throw .malformedAuthorization("X-Amz-Date is not yyyyMMddTHHmmssZ")
        }
        guard let expiresValue = query[SigV4.Query.expires], let expires = Int64(expiresValue),
            (1...SigV4.maximumExpiresSeconds).contains(expires)
        else { throw .malformedAuthorization("X-Amz-Expires is not a number of seconds in 1...604800") }
        try checkScope(scope, date: date)
        if date > now.adding(seconds: SigV4.maximumClockSkewSeconds) {
            throw .signatureNotYetCurrent(signed: date, now: now)
        }
        if now > date.adding(seconds: expires) {
            throw .presignedRequestExpired(signed: date, expires: expires, now: now)
        }
        let signedHeaders = signedHeaderList.split(separator: ";").map { $0.lowercased() }
        guard signedHeaders.contains("host") else { throw .hostNotSigned }
        guard let key = lookup(accessKeyId) else { throw .unknownAccessKey }
        try checkToken(sent: query[SigV4.Query.securityToken], signed: true, key: key)
        let canonical = CanonicalRequest(
            request: request, signedHeaders: signedHeaders, excludingQueryNames: [SigV4.Query.signature],
            options: options)
        try checkSignature(
            signature, request: request, canonical: canonical, date: date, scope: scope, accessKeyId: accessKeyId,
            key: key)
        return VerifiedRequest(
            accessKeyId: accessKeyId, scope: scope, date: date, signedHeaders: canonical.signedHeaders,
            presigned: true)
    }

    private func checkScope(_ scope: CredentialScope, date: SigningDate) throws(SigV4Error) {
        guard scope.date == date.scopeDate else { throw .credentialScopeMismatch("the date of X-Amz-Date") }
        if let region {
            if scope.region != region { throw .credentialScopeMismatch("a valid region, '\(region)'") }
        } else if scope.region.isEmpty || !(regions?.contains(scope.region) ?? true) {
            // AWS's words for a scope naming no Region it serves, e.g. "Credential should be scoped to a
            // valid region, not 'xx-fake-1'." (the name cut to 64 characters: it comes from the request).
            throw .credentialScopeMismatch("a valid region, not '\(scope.region.prefix(64))'")
        }
        if let service, scope.service != service { throw .credentialScopeMismatch("correct service: '\(service)'") }
    }

    private func checkSkew(date: SigningDate, now: SigningDate) throws(SigV4Error) {
        if date < now.adding(seconds: -SigV4.maximumClockSkewSeconds) {
            throw .signatureExpired(signed: date, now: now)
        }
        if date > now.adding(seconds: SigV4.maximumClockSkewSeconds) {
            throw .signatureNotYetCurrent(signed: date, now: now)
        }
    }

    private func checkToken(sent: String?, signed: Bool, key: VerificationKey) throws(SigV4Error) {
        switch (key.sessionToken, sent) {
        case (nil, nil):
            return
        case (let expected?, let sent?) where signed && ConstantTime.equals(expected, sent):
            return
        default:
            throw .sessionTokenMismatch
        }
    }

    private func checkSignature(
        _ sent: String, request: SigV4Request, canonical: CanonicalRequest, date: SigningDate, scope: CredentialScope,
        accessKeyId: String,
        key: VerificationKey
    ) throws(SigV4Error) {
        let stringToSign = SigningKey.stringToSign(canonicalRequest: canonical, date: date, scope: scope)
        if canonical.payloadHash != SigV4.unsignedPayload,
            canonical.payloadHash.lowercased() != SigV4Encoding.hex(SHA256.hash(data: request.body))
        {
            throw .payloadHashMismatch
        }
        let signingKey = keyCache.key(accessKeyId: accessKeyId, secretAccessKey: key.secretAccessKey, scope: scope)
        guard ConstantTime.equals(signingKey.signature(of: stringToSign), sent.lowercased()) else {
            throw .signatureMismatch
        }
    }

    /// The decoded query parameters (the first value of each name).
    static func queryParameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in query.split(separator: "&") {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = SigV4Encoding.decode(pieces[0])
            if result[name] == nil { result[name] = pieces.count > 1 ? SigV4Encoding.decode(pieces[1]) : "" }
        }
        return result
    }
}
