/// The result of signing: the request to send and every intermediate value, for tests and debugging.
public struct SignedRequest: Sendable {
    /// The request with `X-Amz-Date`, the token and `Authorization` headers added (header signing), or with the
    /// `X-Amz-*` parameters appended to its query (presigning).
    public var request: SigV4Request
    /// The canonical request that was signed.
    public var canonicalRequest: CanonicalRequest
    /// The string to sign.
    public var stringToSign: String
    /// The lower-case hex signature.
    public var signature: String
    /// The `Authorization` header value (header signing only).
    public var authorization: String?
}
