import TriageSigV4

/// STS's two calls the chain makes (Query protocol, aws-wire.md §6.2): `AssumeRole`, SigV4-signed for service
/// `sts` in the endpoint's Region, and `AssumeRoleWithWebIdentity`, unsigned.
package struct STSClient: Sendable, CustomStringConvertible {
    /// How long one STS request may take, milliseconds.
    package static let timeoutMilliseconds: Int64 = 10_000
    private let context: CredentialContext

    /// A client for `context`'s STS endpoint.
    package init(context: CredentialContext) {
        self.context = context
    }

    /// The profile of the context; nothing it read.
    package var description: String { "STSClient(\(context))" }

    /// `AssumeRole` with `credentials` (the source profile's).
    package func assumeRole(
        roleArn: String, sessionName: String, externalId: String?, durationSeconds: Int?,
        credentials: AWSCredentials
    ) throws(SecurityHubError) -> AWSCredentials {
        var parameters = [
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", roleArn), ("RoleSessionName", sessionName),
        ]
        if let durationSeconds { parameters.append(("DurationSeconds", String(durationSeconds))) }
        if let externalId { parameters.append(("ExternalId", externalId)) }
        return try send("AssumeRole", parameters, signedWith: credentials)
    }

    /// `AssumeRoleWithWebIdentity` with the OIDC `token` (no `Authorization` header).
    package func assumeRoleWithWebIdentity(
        roleArn: String, sessionName: String, token: String
    ) throws(SecurityHubError) -> AWSCredentials {
        let parameters = [
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token),
        ]
        return try send("AssumeRoleWithWebIdentity", parameters, signedWith: nil)
    }

    /// `parameters` form-encoded (RFC 3986 unreserved characters kept).
    package static func formBody(_ parameters: [(String, String)]) -> String {
        parameters.map { SigV4Encoding.encode($0.0) + "=" + SigV4Encoding.encode($0.1) }.joined(separator: "&")
    }

    private func send(
        _ action: String, _ parameters: [(String, String)], signedWith credentials: AWSCredentials?
    ) throws(SecurityHubError) -> AWSCredentials {
        let endpoint = try CredentialEndpoints.sts(context)
        let body = Array(Self.formBody(parameters).utf8)
        var request = SigV4Request(
            method: "POST", path: endpoint.url.target, query: "",
            headers: [
                .init("Host", endpoint.url.hostHeader),
                .init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ], body: body)
        if let credentials {
            let signer = SigV4Signer(credentials: credentials.signing, region: endpoint.signingRegion, service: "sts")
            let date = SigningDate(secondsSince1970: context.environment.now() / 1000)
            request = signer.sign(request, at: date).request
        }
        let response = try context.http.send(
            .POST, endpoint.url, headers: request.headers.map { ($0.name, $0.value) }, body: body,
            timeoutMilliseconds: Self.timeoutMilliseconds, what: "STS \(action)")
        guard response.status == 200 else {
            let detail = STSResponse.errorDetail(response.body)
            throw SecurityHubError(
                .retrievalFailed, "STS \(action) failed: HTTP \(response.status)\(detail)",
                underlying: STSRefusal(status: response.status, body: response.body))
        }
        return try STSResponse.credentials(response.body, action: action)
    }
}
