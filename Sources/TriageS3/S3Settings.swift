/// How the S3 store talks to S3: where (``S3Endpoint``), with which credentials (the run's own
/// chain, `profile`), and in what pieces.
package struct S3Settings: Sendable {
    /// The process environment: credentials, `AWS_REGION`, the endpoint overrides, `TMPDIR`.
    package var environment: [String: String]
    /// `--region` when given (else the environment's, else us-east-1).
    package var region: String?
    /// `--profile` when given.
    package var profile: String?
    /// Bytes of one ranged GET of an input: 8 MiB.
    package var rangeBytes = 8 << 20
    /// Ranged GETs sent ahead of the one being read: 2 (so at most 3 ranges, 24 MiB, in memory).
    package var readAhead = 2
    /// Bytes of one part of a multipart upload: 8 MiB (S3's least is 5 MiB, but for the last part).
    package var partBytes = 8 << 20
    /// Outputs larger than this are sent as a multipart upload; smaller ones with one PutObject.
    package var multipartThreshold = 16 << 20
    /// Tries of a request that fails with no answer, a 5xx or `RequestTimeout`.
    package var maxAttempts = 4
    /// Seconds to wait for a connection.
    package var connectTimeout: Double = 10
    /// Seconds to wait for an answer's next bytes.
    package var readTimeout: Double = 60
    /// The local directory outputs are staged in before their upload: `TMPDIR`, else `/tmp`.
    package var stagingDirectory: String

    /// Settings from `environment`. The sizes can be made small for tests (S3's own limits are
    /// then the test server's business): `TRIAGE_S3_RANGE_BYTES`, `TRIAGE_S3_PART_BYTES`,
    /// `TRIAGE_S3_MULTIPART_THRESHOLD` (bytes, at least 1).
    package init(environment: [String: String], region: String? = nil, profile: String? = nil) {
        self.environment = environment
        self.region = region
        self.profile = profile
        stagingDirectory = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        func size(_ name: String) -> Int? { environment[name].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }
        rangeBytes = size("TRIAGE_S3_RANGE_BYTES") ?? rangeBytes
        partBytes = size("TRIAGE_S3_PART_BYTES") ?? partBytes
        multipartThreshold = size("TRIAGE_S3_MULTIPART_THRESHOLD") ?? multipartThreshold
    }
}
