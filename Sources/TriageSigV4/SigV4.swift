/// Names and limits shared by the signer and the verifier.
public enum SigV4 {
    /// The only algorithm supported: `AWS4-HMAC-SHA256`.
    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash a request may declare to leave its body unsigned.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The largest distance between `X-Amz-Date` and the verifier's clock: 300 seconds (5 minutes).
    public static let maximumClockSkewSeconds: Int64 = 300
    /// The longest presigned validity: 604 800 seconds (7 days).
    public static let maximumExpiresSeconds: Int64 = 604_800

    /// Headers never signed (hop-by-hop headers and those proxies rewrite), lower-case, as botocore lists them.
    public static let unsignedHeaders: Set<String> = [
        "authorization", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
        "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// Query parameter names of presigned requests.
    public enum Query {
        /// `X-Amz-Algorithm`.
        public static let algorithm = "X-Amz-Algorithm"
        /// `X-Amz-Credential`.
        public static let credential = "X-Amz-Credential"
        /// `X-Amz-Date`.
        public static let date = "X-Amz-Date"
        /// `X-Amz-Expires`.
        public static let expires = "X-Amz-Expires"
        /// `X-Amz-SignedHeaders`.
        public static let signedHeaders = "X-Amz-SignedHeaders"
        /// `X-Amz-Signature`.
        public static let signature = "X-Amz-Signature"
        /// `X-Amz-Security-Token`.
        public static let securityToken = "X-Amz-Security-Token"
    }
}
