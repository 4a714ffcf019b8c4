import Foundation

/// ECS task roles and EKS Pod Identity (aws-wire.md §6.3): `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (at
/// `http://169.254.170.2`) or `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `Authorization` from
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at each fetch) else `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// A full URI may be any `https` URL, or `http` only to a loopback address (127.0.0.0/8, `::1`, `localhost`) or
/// `169.254.170.2`, `169.254.170.23`, `fd00:ec2::23`. `GET` with `Accept: application/json`, 2 s per attempt,
/// 3 attempts 1 s apart for timeouts, broken connections and 5xx; the answer has `Token`, not `SessionToken`.
package struct ContainerCredentialSource: CredentialSource {
    /// The ECS agent's address for relative URIs.
    package static let relativeBase = "http://169.254.170.2"
    /// How long one attempt may take, milliseconds.
    package static let timeoutMilliseconds: Int64 = 2_000
    /// How many attempts are made.
    package static let attempts = 3
    /// The pause between attempts, milliseconds.
    package static let retryDelayMilliseconds: Int64 = 1_000

    /// How ``CredentialProvider/sourceName`` shows this source.
    package let name = "container"
    private let context: CredentialContext

    /// The source of `context`'s variables.
    package init(context: CredentialContext) {
        self.context = context
    }

    /// Set when neither URI variable is.
    package var skipReason: String? {
        let environment = context.environment
        if environment.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == nil,
            environment.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") == nil
        {
            return "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set"
        }
        return nil
    }

    /// The endpoint: the relative URI at `169.254.170.2`, else the full URI if its host is allowed.
    package static func endpoint(_ environment: CredentialEnvironment) throws(SecurityHubError) -> CredentialURL {
        if let relative = environment.variable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            guard let url = CredentialURL(relativeBase + (relative.hasPrefix("/") ? "" : "/") + relative) else {
                throw SecurityHubError(.invalidConfiguration, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a path")
            }
            return url
        }
        guard let text = environment.variable("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            throw SecurityHubError(
                .invalidConfiguration, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set")
        }
        guard let url = CredentialURL(text) else {
            throw SecurityHubError(.invalidConfiguration, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL")
        }
        guard url.scheme == "https" || isAllowedHTTPHost(url.host) else {
            throw SecurityHubError(
                .invalidConfiguration,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI: unsupported host \(url.host) for http (https, a loopback "
                    + "address, 169.254.170.2, 169.254.170.23, fd00:ec2::23 or localhost)")
        }
        return url
    }

    /// Whether plain `http` may go to `host` (brackets already removed).
    package static func isAllowedHTTPHost(_ host: String) -> Bool {
        if ["localhost", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "::1"].contains(host) { return true }
        if host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }) else {
            return false
        }
        return octets[0] == "127"
    }

    /// The `Authorization` value: the token file's content (re-read now) else the variable; CR and LF refused.
    package static func authorization(_ environment: CredentialEnvironment) throws(SecurityHubError) -> String? {
        var token: String?
        if let file = environment.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            token = try CredentialFile.read(file, what: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        } else {
            token = environment.variable("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        if let token, token.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            throw SecurityHubError(.invalidConfiguration, "the container authorization token contains CR or LF")
        }
        return token
    }

    /// Asks the endpoint (with the token read now), retrying as the type says.
    package func fetch() throws(SecurityHubError) -> AWSCredentials {
        let environment = context.environment
        let url = try Self.endpoint(environment)
        var headers = [("Accept", "application/json")]
        if let token = try Self.authorization(environment) { headers.append(("Authorization", token)) }
        var attempt = 1
        while true {
            switch attemptOnce(url, headers: headers) {
            case .success(let credentials):
                return credentials
            case .failure(let error, let retryable):
                guard retryable, attempt < Self.attempts else { throw error }
                attempt += 1
                Thread.sleep(forTimeInterval: Double(Self.retryDelayMilliseconds) / 1000)
            }
        }
    }

    private enum Attempt {
        case success(AWSCredentials)
        case failure(SecurityHubError, retryable: Bool)
    }

    private func attemptOnce(_ url: CredentialURL, headers: [(String, String)]) -> Attempt {
        let response: CredentialHTTP.Response
        do {
            response = try context.http.send(
                .GET, url, headers: headers, timeoutMilliseconds: Self.timeoutMilliseconds,
                what: "the container endpoint")
        } catch {
            return .failure(error, retryable: true)
        }
        guard response.status == 200 else {
            let error = SecurityHubError(
                .retrievalFailed, "the container endpoint \(url.origin) answered HTTP \(response.status)")
            return .failure(error, retryable: response.status >= 500)
        }
        do {
            let document = try CredentialDocument(response.body, what: "the container endpoint's answer")
            return .success(
                AWSCredentials(
                    accessKeyId: try document.requiredString("AccessKeyId"),
                    secretAccessKey: try document.requiredString("SecretAccessKey"),
                    sessionToken: try document.string("Token"), expiration: try document.time("Expiration"),
                    accountId: try document.string("AccountId")))
        } catch {
            return .failure(error, retryable: false)
        }
    }
}
