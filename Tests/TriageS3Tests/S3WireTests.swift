import Testing
import TriageS3
import TriageSigV4

/// S3's wire details without a server (fast tier): signing, addressing, key encoding, URLs, errors.
struct S3WireTests {
    /// AWS's worked example of a signed S3 request (S3 API reference, "Signature Calculations for
    /// the Authorization Header: Transferring Payload in a Single Chunk", GET Object): the same
    /// signature, byte for byte.
    @Test func signsAWSsGetObjectExample() {
        let target = S3Endpoint.Target(
            url: "https://examplebucket.s3.amazonaws.com/test.txt", host: "examplebucket.s3.amazonaws.com",
            signingPath: "/test.txt", wirePath: "/test.txt")
        let headers = S3Client.sign(
            "GET", target, query: "", headers: [("Range", "bytes=0-9")], body: [],
            credentials: SigV4Credentials(
                accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", at: SigningDate(secondsSince1970: 1_369_353_600))
        let authorization = headers.first { $0.name == "Authorization" }?.value
        #expect(
            authorization
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            headers.first { $0.name.lowercased() == "x-amz-content-sha256" }?.value
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    /// A key is encoded once on the wire (every byte but the unreserved ones and `/`), and the
    /// signature's canonical URI is that same path, not encoded again nor normalised.
    @Test func keysAreEncodedOnceAndNotNormalised() throws {
        let endpoint = try S3Endpoint(environment: ["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000/"], region: nil)
        let target = endpoint.target(bucket: "inputs", key: "night ly/a+b%20/./ü.csv")
        #expect(target.url == "http://127.0.0.1:9000/inputs/night%20ly/a%2Bb%2520/./%C3%BC.csv")
        #expect(target.host == "127.0.0.1:9000")
        #expect(
            CanonicalRequest.canonicalURI(target.signingPath, options: .init(normalizePath: false)) == target.wirePath)
    }

    /// Without an override: virtual-hosted style in the Region (path-style for a dotted bucket);
    /// `AWS_ENDPOINT_URL_S3` beats `AWS_ENDPOINT_URL`; `--region` beats `AWS_REGION`, which beats
    /// `AWS_DEFAULT_REGION`; us-east-1 by default.
    @Test func endpointsAndRegions() throws {
        let aws = try S3Endpoint(environment: ["AWS_DEFAULT_REGION": "eu-west-1"], region: nil)
        #expect(aws.region == "eu-west-1")
        #expect(
            aws.target(bucket: "reports", key: "a/b.json").url == "https://reports.s3.eu-west-1.amazonaws.com/a/b.json")
        #expect(
            aws.target(bucket: "my.reports", key: "b.json").url
                == "https://s3.eu-west-1.amazonaws.com/my.reports/b.json")
        #expect(try S3Endpoint(environment: [:], region: nil).region == "us-east-1")
        let both = try S3Endpoint(
            environment: [
                "AWS_ENDPOINT_URL": "http://global:1", "AWS_ENDPOINT_URL_S3": "http://s3only:2",
                "AWS_REGION": "ap-south-1",
                "AWS_DEFAULT_REGION": "eu-west-1",
            ], region: "us-west-2")
        #expect(both.target(bucket: "b", key: "k").url == "http://s3only:2/b/k")
        #expect(both.region == "us-west-2")
        let global = try S3Endpoint(environment: ["AWS_ENDPOINT_URL": "https://minio.local"], region: nil)
        #expect(global.target(bucket: "b", key: "k").url == "https://minio.local/b/k")
        #expect(throws: S3Failure.self) {
            try S3Endpoint(environment: ["AWS_ENDPOINT_URL_S3": "127.0.0.1:9000"], region: nil)
        }
    }

    /// `s3://BUCKET/KEY` needs both; the key keeps its slashes.
    @Test func locations() {
        #expect(S3Location("s3://b/k/with/slashes.json") == S3Location("s3://b/k/with/slashes.json"))
        #expect(S3Location("s3://b/k/with/slashes.json")?.key == "k/with/slashes.json")
        #expect(S3Location("s3://bucket") == nil)
        #expect(S3Location("s3://bucket/") == nil)
        #expect(S3Location("s3:///key") == nil)
        #expect(S3Location("/tmp/file") == nil)
    }

    /// S3's error answers become their code and message; an answer without a body (HEAD) its
    /// status's code; 5xx and `RequestTimeout` may be tried again, a 4xx not.
    @Test func errorAnswers() {
        let body = Array(
            "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The key &amp; its &lt;value&gt;</Message></Error>"
                .utf8)
        let failure = S3Client.failure(S3Client.Response(status: 404, headers: [:], body: body))
        #expect(failure.description == "S3 answered NoSuchKey (HTTP 404): The key & its <value>")
        #expect(!failure.isRetryable)
        #expect(S3Client.failure(S3Client.Response(status: 412, headers: [:], body: [])).code == "PreconditionFailed")
        #expect(S3Client.failure(S3Client.Response(status: 503, headers: [:], body: [])).isRetryable)
        #expect(S3Failure(detail: "no answer", transient: true).isRetryable)
        #expect(!S3Failure(detail: "no credentials").isRetryable)
    }
}
