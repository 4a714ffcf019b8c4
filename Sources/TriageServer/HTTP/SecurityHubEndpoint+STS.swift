import HTTPTypes
import Hummingbird
import NIOCore
import TriageSigV4

/// STS at `POST /` (`docs/serve.md`, STS): `AssumeRole` hands out temporary credentials of a
/// configured role to a caller of an account the role trusts, and `GetCallerIdentity` says who
/// signed. Requests are SigV4-signed for service `sts`; answers and errors are STS's XML
/// (`STSAnswerXML`). No quota and no injected fault applies to them (the fault sequence of the
/// Security Hub operations stays what its seed says); `latencyMs` does.
extension SecurityHubEndpoint {
    /// The longest session a role session may start by role chaining (STS's one-hour limit).
    static let chainedSessionLimit = 3600

    /// Whether `head` is an STS Query request: `POST /` (any query string) with a form body.
    static func isSTS(_ head: HTTPRequest) -> Bool {
        guard head.method == .post else { return false }
        let path = (head.path ?? "/").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard path == "/" else { return false }
        let contentType = head.headerFields[.contentType]?.lowercased() ?? ""
        return contentType.hasPrefix("application/x-www-form-urlencoded")
    }

    /// Answers one STS request (and logs it, as `respond(to:context:)` logs every request).
    func answerSTS(_ request: Request, entry: inout RequestLog.Entry) async -> Response {
        let status: Int
        let body: [UInt8]
        do {
            body = try await stsAnswer(request, entry: &entry)
            status = 200
        } catch {
            entry.error = error.code
            status = error.status
            body = STSAnswerXML.error(error, requestId: entry.requestId)
        }
        entry.status = status
        var headers = HTTPFields()
        headers[.contentType] = "text/xml"
        headers[HTTPField.Name("x-amzn-RequestId")!] = entry.requestId
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func stsAnswer(_ request: Request, entry: inout RequestLog.Entry) async throws(STSQueryError) -> [UInt8] {
        let body: [UInt8]
        do {
            body = try await Self.body(of: request)
        } catch {
            throw error.requestError == .requestTooLarge
                ? STSQueryError(status: 413, code: "RequestEntityTooLarge", message: error.message)
                : .validation(message: error.message)
        }
        let parameters = STSRequest.formParameters(body)
        // Only the names serve answers reach the log: an action is the caller's text.
        if let action = parameters["Action"], ["AssumeRole", "GetCallerIdentity"].contains(action) {
            entry.operation = action
        }
        let target = (request.head.path ?? "/").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let now = clock()
        let verified: VerifiedRequest
        let caller: ServeCredential
        do {
            (verified, caller) = try verify(
                request.head, path: target[0], query: target.count > 1 ? target[1] : "", body: body, with: stsVerifier,
                now: now)
        } catch {
            throw STSQueryError(error)
        }
        entry.account = caller.account
        entry.region = verified.scope.region
        if let expiresAt = caller.expiresAt, now >= expiresAt { throw .expiredToken }
        switch try STSRequest(parameters: parameters) {
        case .getCallerIdentity:
            return STSAnswerXML.callerIdentity(caller, requestId: entry.requestId)
        case .assumeRole(let parameters):
            let session = try assumeRole(parameters, caller: caller, now: now)
            return STSAnswerXML.assumeRole(session: session, requestId: entry.requestId)
        }
    }

    /// `AssumeRole` by `caller` at `now`: the new session, recorded in ``sessions``.
    /// - Throws: `AccessDenied` when the role is unknown, does not trust the caller's account, or
    ///   requires another external id; `ValidationError` for a duration over the role's maximum
    ///   (or over an hour for role chaining).
    func assumeRole(_ request: STSRequest.AssumeRole, caller: ServeCredential, now: Int64) throws(STSQueryError)
        -> ServeCredential
    {
        guard let role = config.roles.role(arn: request.roleArn), role.trust.contains(caller.account),
            role.externalId == nil || role.externalId == request.externalId
        else { throw .notAuthorized(callerArn: caller.arn, roleArn: request.roleArn) }
        let chained = caller.identity.isRoleSession
        if chained && request.durationSeconds > Self.chainedSessionLimit {
            throw .validation(
                message:
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
            )
        }
        if request.durationSeconds > role.maxSessionDuration {
            throw .validation(
                message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
        }
        // To the second, as the answer's Expiration says it: the client and serve agree on the instant.
        let expiresAt = (now / 1000 + Int64(request.durationSeconds)) * 1000
        let identity = ServeIdentity.assumedRole(
            role: role.name, roleId: role.roleId, session: request.sessionName, chained: chained)
        var generator = SystemRandomNumberGenerator()
        while true {
            let session = ServeCredential(
                accessKeyId: "ASIA" + Self.randomText(16, alphabet: Self.keyAlphabet, using: &generator),
                secretAccessKey: Self.randomText(40, alphabet: Self.secretAlphabet, using: &generator),
                account: role.account,
                sessionToken: Self.randomText(356, alphabet: Self.secretAlphabet, using: &generator),
                expiresAt: expiresAt, policies: role.policies, identity: identity)
            let config = self.config
            if sessions.insert(session, now: now, isTaken: { config.credential(accessKeyId: $0) != nil }) {
                return session
            }
        }
    }

    /// The characters of an access key id after its prefix (upper-case base 32, as AWS's).
    static let keyAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    /// The characters of a secret access key and a session token (base 64).
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// `count` characters of `alphabet` drawn from `generator` (the system's: cryptographically secure).
    static func randomText(
        _ count: Int, alphabet: [Character], using generator: inout SystemRandomNumberGenerator
    ) -> String {
        String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
