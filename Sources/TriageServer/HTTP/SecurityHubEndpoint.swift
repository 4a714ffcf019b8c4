import Crypto
import HTTPTypes
import Hummingbird
import NIOCore
import TriageCore
import TriageSigV4
import TriageStore

/// The three Security Hub operations over one findings store (`docs/serve.md`): routing,
/// the 6 MB limit, SigV4, accounts, quotas, policies, faults, and the wire format of answers and
/// errors; and STS's `AssumeRole` and `GetCallerIdentity` at `POST /` (`SecurityHubEndpoint+STS.swift`),
/// whose sessions act as their role's account. A thin shell: the rules of the contract are the
/// store's and TriageCore's.
package final class SecurityHubEndpoint: Sendable {
    let store: FindingsStore
    let config: ServeConfig
    let verifier: SigV4Verifier
    /// The verifier of STS requests: the same keys, signing name `sts`.
    let stsVerifier: SigV4Verifier
    /// The sessions STS issued, consulted with the config's keys.
    let sessions: SessionRegistry
    let quotas: QuotaTable
    let faults: FaultInjector
    let tokens: PageTokenCodec
    let log: RequestLog
    /// Wall-clock time, epoch milliseconds (signatures, tokens' expiry, quotas, notes).
    let clock: @Sendable () -> Int64

    /// An endpoint serving `store` as `config` says.
    package init(
        store: FindingsStore, config: ServeConfig, log: RequestLog, clock: @escaping @Sendable () -> Int64
    ) {
        self.store = store
        self.config = config
        self.log = log
        self.clock = clock
        let sessions = SessionRegistry()
        self.sessions = sessions
        let lookup: SigV4Verifier.KeyLookup = { accessKeyId in
            Self.credential(accessKeyId: accessKeyId, config: config, sessions: sessions).map {
                VerificationKey(secretAccessKey: $0.secretAccessKey, sessionToken: $0.sessionToken)
            }
        }
        // Any real Region, each its own quota bucket; an invented one is refused before it gets a bucket, as
        // Security Hub refuses a scope naming no Region it serves ("Credential should be scoped to a valid
        // region, not '...'", 403 InvalidSignatureException).
        // A request signed for another service than the operation's is refused as AWS refuses it ("Credential
        // should be scoped to correct service: 'securityhub'."): STS's signing name is good for STS only.
        verifier = SigV4Verifier(region: nil, regions: AWSRegions.names, service: "securityhub", lookup: lookup)
        stsVerifier = SigV4Verifier(region: nil, regions: AWSRegions.names, service: "sts", lookup: lookup)
        quotas = QuotaTable(quotas: config.quotas, clock: clock)
        faults = FaultInjector(config.faults)
        // Tokens are bound to this process: a token from before a restart is refused like a forged one.
        tokens = PageTokenCodec(key: SymmetricKey(size: .bits256))
    }

    /// The operation at `method` and `path` (the query string ignored), nil for anything else.
    static func operation(method: HTTPRequest.Method, path: Substring) -> ServeOperation? {
        switch (method, path) {
        case (.patch, "/findings/batchupdate"): .batchUpdateFindings
        case (.post, "/findings"): .getFindings
        case (.post, "/findings/import"): .batchImportFindings
        case (.post, "/findingHistory/get"): .getFindingHistory
        case (.get, "/findingAggregator/list"): .listFindingAggregators
        case (.get, _) where path.hasPrefix(FindingAggregatorOperations.getPrefix): .getFindingAggregator
        default: nil
        }
    }

    /// Answers one request. Every answer carries `x-amzn-RequestId`; errors carry
    /// `x-amzn-ErrorType` and `{"Code", "Message"}`. Logs one line.
    package func respond(to request: Request, context: ServeRequestContext) async -> Response {
        // Not the injected clock: the log line shows tenths of a millisecond, finer than its readings.
        let started = ContinuousClock.now
        var entry = RequestLog.Entry(arrived: clock(), requestId: Self.requestId())
        var response: Response
        if Self.isSTS(request.head) {
            response = await answerSTS(request, entry: &entry)
        } else {
            do {
                response = try await answer(request, context: context, entry: &entry)
            } catch  where error.code == .dropped {
                entry.status = 0
                response = Response(status: .internalServerError)  // never sent: the connection is closed
            } catch {
                let answer = Self.errorAnswer(error)
                entry.error = answer.name
                response = Self.response(
                    status: answer.status, body: answer.body, entry: &entry, errorName: answer.name)
            }
        }
        let latency = config.faults.latencyMs
        if latency > 0 { try? await Task.sleep(for: .milliseconds(latency)) }
        log.write(entry, latencyMs: started.duration(to: .now) / .milliseconds(1))
        return response
    }

    private func answer(
        _ request: Request, context: ServeRequestContext, entry: inout RequestLog.Entry
    ) async throws(ServerError) -> Response {
        let target = (request.head.path ?? "/").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = target[0]
        let query = target.count > 1 ? target[1] : ""
        guard let operation = Self.operation(method: request.method, path: path) else {
            throw .unknownOperation(method: request.method.rawValue, path: String(path))
        }
        entry.operation = operation.rawValue
        let body = try await Self.body(of: request)
        let caller = try authenticate(request.head, path: path, query: query, body: body)
        entry.account = caller.account
        entry.region = caller.region
        guard admit(caller, operation, body: body) else { throw .throttled }
        let answer: [UInt8]
        switch operation {
        case .batchUpdateFindings:
            answer = try await batchUpdateFindings(body, caller: caller, context: context, entry: &entry)
        case .getFindings:
            answer = try await getFindings(body, caller: caller, context: context, entry: &entry)
        case .batchImportFindings:
            answer = try await batchImportFindings(body, caller: caller, context: context, entry: &entry)
        case .getFindingHistory:
            answer = try await getFindingHistory(body, caller: caller, entry: &entry)
        case .listFindingAggregators:
            answer = try listFindingAggregators(query: query, caller: caller)
        case .getFindingAggregator:
            answer = try getFindingAggregator(path: path, caller: caller)
        }
        return Self.response(status: 200, body: answer, entry: &entry, errorName: nil)
    }

    /// The request body, at most 6 MB: a larger `Content-Length` is refused before reading, a
    /// longer chunked body once it passes the limit.
    static func body(of request: Request) async throws(ServerError) -> [UInt8] {
        let limit = ServeLimits.maxRequestBytes
        if let declared = request.headers[.contentLength], exceeds(declared, limit: limit) {
            throw .tooLarge(limit: limit)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw .tooLarge(limit: limit)
        } catch is NIOTooManyBytesError {
            throw .tooLarge(limit: limit)
        } catch {
            throw .invalidInput("The request body could not be read")
        }
    }

    /// Whether a `Content-Length` value declares more than `limit` bytes: any run of decimal digits
    /// whose value is above it, including those too large for `Int` (2^63 and up: a value that does not
    /// fit is over any limit, never a body to wait for).
    static func exceeds(_ contentLength: String, limit: Int) -> Bool {
        guard !contentLength.isEmpty, contentLength.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return false
        }
        let significant = contentLength.drop { $0 == "0" }
        // 19 significant digits or more are at least 10^18, over any limit (and over `Int` from 2^63 on).
        guard significant.count < 19 else { return true }
        return (Int(significant) ?? 0) > limit
    }

    /// Verifies the signature and the credential: the caller, or the error of `serve.md`'s table.
    func authenticate(
        _ head: HTTPRequest, path: Substring, query: Substring, body: [UInt8]
    ) throws(ServerError) -> Caller {
        let now = clock()
        let verified: VerifiedRequest
        let credential: ServeCredential
        do {
            (verified, credential) = try verify(head, path: path, query: query, body: body, with: verifier, now: now)
        } catch {
            throw ServerError(error)
        }
        if let expiresAt = credential.expiresAt, now >= expiresAt { throw .expiredToken }
        guard config.accounts.isSubscribed(credential.account) else { throw .notSubscribed(credential.account) }
        return Caller(
            accessKeyId: credential.accessKeyId, account: credential.account, region: verified.scope.region,
            credential: credential, reachableAccounts: config.accounts.reachableAccounts(from: credential.account),
            aggregator: config.aggregator)
    }

    /// Verifies the request's signature with `verifier` at `now` (epoch ms): what it proved and the
    /// credential that signed it (the config's or a session's), expired or not.
    func verify(
        _ head: HTTPRequest, path: Substring, query: Substring, body: [UInt8], with verifier: SigV4Verifier, now: Int64
    ) throws(SigV4Error) -> (VerifiedRequest, ServeCredential) {
        var headers: [SigV4Request.Header] = []
        if let authority = head.authority { headers.append(SigV4Request.Header("host", authority)) }
        for field in head.headerFields where !(head.authority != nil && field.name.canonicalName == "host") {
            headers.append(SigV4Request.Header(field.name.canonicalName, field.value))
        }
        let signed = SigV4Request(
            method: head.method.rawValue, path: String(path), query: String(query),
            headers: headers, body: body)
        let verified = try verifier.verify(signed, now: SigningDate(secondsSince1970: now / 1000))
        guard let credential = credential(accessKeyId: verified.accessKeyId) else { throw .unknownAccessKey }
        return (verified, credential)
    }

    /// The credential of `accessKeyId`: the config's, else a session STS issued; nil for neither.
    func credential(accessKeyId: String) -> ServeCredential? {
        Self.credential(accessKeyId: accessKeyId, config: config, sessions: sessions)
    }

    private static func credential(
        accessKeyId: String, config: ServeConfig, sessions: SessionRegistry
    ) -> ServeCredential? {
        config.credential(accessKeyId: accessKeyId) ?? sessions.credential(accessKeyId: accessKeyId)
    }

    /// What `error` is answered with: the status and name of its row of the ``RequestError`` table
    /// (`x-amzn-ErrorType`) and the body `{"Code": name, "Message": message}`. Only answers are
    /// thrown while answering; any other error would be a bug, answered as `InternalException`.
    static func errorAnswer(_ error: ServerError) -> (status: Int, name: String, body: [UInt8]) {
        let answer = error.requestError == nil ? ServerError.internalError : error
        let row = answer.requestError ?? .internalError
        return (row.status ?? 500, row.name, ResponseJSON.error(name: row.name, message: answer.message))
    }

    /// An answer with the headers every answer carries (`x-amzn-ErrorType: errorName` for an error).
    static func response(status: Int, body: [UInt8], entry: inout RequestLog.Entry, errorName: String?) -> Response {
        entry.status = status
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("x-amzn-RequestId")!] = entry.requestId
        if let errorName { headers[HTTPField.Name("x-amzn-ErrorType")!] = errorName }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A new request id: a random UUID, lower case, as AWS writes them.
    static func requestId() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = SigV4Encoding.hex(bytes)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// Runs blocking store work off the event loop; a store failure is an `InternalException`.
    func storeWork<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws(ServerError) -> T {
        do {
            return try await BlockingWork.run(body)
        } catch let error as ServerError {
            throw error
        } catch let error as StoreError where error.code == .invalidCursor {
            // Only a token this process signed gets here: its cursor no longer fits the query.
            throw .notThisQuery
        } catch {
            throw .internalError
        }
    }
}
