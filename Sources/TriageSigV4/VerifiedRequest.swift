/// What a verified request proved: who signed it, for which scope and when.
public struct VerifiedRequest: Sendable, Equatable {
    /// The access key id that signed the request.
    public var accessKeyId: String
    /// The credential scope it was signed for (Region and service included).
    public var scope: CredentialScope
    /// The `X-Amz-Date` of the signature.
    public var date: SigningDate
    /// The lower-case signed header names.
    public var signedHeaders: [String]
    /// Whether it was presigned (query) rather than signed in an `Authorization` header.
    public var presigned: Bool
}
