import NIOHTTP1
import TriageSigV4

/// The EC2 instance role through IMDSv2 (aws-wire.md §6.4): `PUT /latest/api/token` (TTL 21600 s), then
/// `GET /latest/meta-data/iam/security-credentials/` for the role name and `…/<role>` for its JSON, each with
/// `x-aws-ec2-metadata-token`.
///
/// Endpoint `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://[fd00:ec2::254]` with
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`, else `http://169.254.169.254`. Off with
/// `AWS_EC2_METADATA_DISABLED=true`. Each request may take `AWS_METADATA_SERVICE_TIMEOUT` seconds (default 1)
/// and is made up to `AWS_METADATA_SERVICE_NUM_ATTEMPTS` times (default 1). A token request answered 403, 404 or
/// 405 falls back to IMDSv1 (no token) unless `AWS_EC2_METADATA_V1_DISABLED=true`.
package struct InstanceMetadataCredentialSource: CredentialSource {
    /// How ``CredentialProvider/sourceName`` shows this source.
    package let name = "instance-metadata"
    private let context: CredentialContext

    /// The source of `context`'s variables.
    package init(context: CredentialContext) {
        self.context = context
    }

    /// Off EC2 nothing answers at 169.254.169.254: the chain goes on (and names it) instead of failing.
    package var isAbsentWhenUnreachable: Bool { true }

    /// Set when `AWS_EC2_METADATA_DISABLED=true`.
    package var skipReason: String? {
        context.environment.flag("AWS_EC2_METADATA_DISABLED") ? "AWS_EC2_METADATA_DISABLED=true" : nil
    }

    /// The IMDS base URL.
    package static func endpoint(_ environment: CredentialEnvironment) throws(SecurityHubError) -> CredentialURL {
        if let text = environment.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
            guard let url = CredentialURL(text) else {
                throw SecurityHubError(.invalidConfiguration, "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL")
            }
            return url
        }
        if environment.variable("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6" {
            return CredentialURL("http://[fd00:ec2::254]")!
        }
        return CredentialURL("http://169.254.169.254")!
    }

    /// Token, role name, role credentials; a service that does not answer throws `unreachable`.
    package func fetch() throws(SecurityHubError) -> AWSCredentials {
        let environment = context.environment
        let base = try Self.endpoint(environment)
        var timeout: Int64 = 1_000
        if let text = environment.variable("AWS_METADATA_SERVICE_TIMEOUT") {
            guard let seconds = Double(text), seconds > 0, seconds < 3600 else {
                throw SecurityHubError(.invalidConfiguration, "AWS_METADATA_SERVICE_TIMEOUT is not a number of seconds")
            }
            timeout = Int64(seconds * 1000)
        }
        var attempts = 1
        if let text = environment.variable("AWS_METADATA_SERVICE_NUM_ATTEMPTS") {
            guard let number = Int(text), (1...10).contains(number) else {
                throw SecurityHubError(.invalidConfiguration, "AWS_METADATA_SERVICE_NUM_ATTEMPTS is not 1…10")
            }
            attempts = number
        }
        var prefix = base.target
        while prefix.hasSuffix("/") { prefix.removeLast() }
        func send(_ method: HTTPMethod, _ path: String, _ headers: [(String, String)]) throws(SecurityHubError)
            -> CredentialHTTP.Response
        {
            let url = CredentialURL(base.with(target: prefix + path))!
            var attempt = 1
            while true {
                do {
                    let response = try context.http.send(
                        method, url, headers: headers, timeoutMilliseconds: timeout, what: "instance metadata")
                    if response.status >= 500, attempt < attempts {
                        attempt += 1
                        continue
                    }
                    return response
                } catch  where attempt < attempts {
                    attempt += 1
                }
            }
        }
        var tokenHeaders: [(String, String)] = []
        let tokenResponse = try send(.PUT, "/latest/api/token", [("x-aws-ec2-metadata-token-ttl-seconds", "21600")])
        let mayUseV1 = !environment.flag("AWS_EC2_METADATA_V1_DISABLED")
        if tokenResponse.status == 200 {
            tokenHeaders = [("x-aws-ec2-metadata-token", tokenResponse.text.trimmingWhitespace)]
        } else if !(mayUseV1 && [403, 404, 405].contains(tokenResponse.status)) {
            throw SecurityHubError(
                .retrievalFailed, "instance metadata: the token request was answered HTTP \(tokenResponse.status)")
        }
        let roles = try send(.GET, "/latest/meta-data/iam/security-credentials/", tokenHeaders)
        guard roles.status == 200 else {
            throw SecurityHubError(
                .retrievalFailed,
                "instance metadata: no instance role (security-credentials answered HTTP \(roles.status))")
        }
        guard
            let role = roles.text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).first
                .map({ String($0).trimmingWhitespace }), !role.isEmpty
        else { throw SecurityHubError(.retrievalFailed, "instance metadata: no instance role is attached") }
        let answer = try send(
            .GET, "/latest/meta-data/iam/security-credentials/" + SigV4Encoding.encode(role), tokenHeaders)
        guard answer.status == 200 else {
            throw SecurityHubError(
                .retrievalFailed, "instance metadata: the role's credentials were answered HTTP \(answer.status)")
        }
        let document = try CredentialDocument(answer.body, what: "the instance role's credentials")
        guard try document.string("AccessKeyId") != nil else {
            let code = (try? document.string("Code")) ?? nil
            throw SecurityHubError(
                .retrievalFailed, "instance metadata: the role has no credentials (Code \(code ?? "missing"))")
        }
        return AWSCredentials(
            accessKeyId: try document.requiredString("AccessKeyId"),
            secretAccessKey: try document.requiredString("SecretAccessKey"),
            sessionToken: try document.requiredString("Token"), expiration: try document.time("Expiration"),
            accountId: try document.string("AccountId"))
    }
}
