import AsyncHTTPClient
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TriageCore
import TriageSigV4

/// `apply --target securityhub`: each batch is one `PATCH /findings/batchupdate` request to its
/// Region's endpoint, signed with the credentials current at that moment, paced by the
/// Region's ``RegionRateController`` and retried by the ``RetryPolicy``.
///
/// - Answers are mapped back to the records (`batchupdatefindings.md` §2): a processed finding is
///   processed; an unprocessed one fails with its `ErrorCode`, except `ConcurrentUpdateError` and
///   `InternalFailure`, which are sent again, only they, in a new request with the same update;
///   a finding the answer does not mention fails with `InternalFailure` ("the service returned no
///   outcome").
/// - A request that fails as a whole is retried when the policy says so (429, 5xx, timeouts,
///   broken connections); after the last try each of its records fails with the error's name.
///   A request whose answer never came may have been applied; sending it again is safe because
///   an update is idempotent, except that a re-sent `Note` is stamped again with a new
///   `UpdatedAt` (its text and author are the same).
/// - Threads: ``attempt(_:completion:)`` signs and sends on the calling thread and returns; the
///   answer is read on the client's event loop and handed to the completion, so no thread waits
///   for a request on the wire (the pipeline keeps at most `--concurrency` of them there, and
///   keeps waits for rate or backoff off the threads too: ``RemoteBatchTarget``).
/// - Nothing logged holds a secret, a session token or a signature.
///
/// `@unchecked Sendable` is not needed: every mutable part sits behind a `Mutex`.
public final class SecurityHubTarget: RemoteBatchTarget {
    /// What the run asked for.
    public struct Settings: Sendable {
        /// `--rate`, `--burst`: the client-side limit per Region.
        public var rate: Double = 10
        public var burst: Double = 30
        /// `--max-attempts`.
        public var maxAttempts: Int = 5
        /// `--concurrency` (requests on the wire at once).
        public var concurrency: Int = 16
        /// Timeouts, proxy, CA bundle.
        public var http: HTTPSettings

        /// Settings with the defaults of `cli.md`.
        public init(http: HTTPSettings) {
            self.http = http
        }
    }

    public let name: String
    public let defaultConcurrency: Int
    private let settings: Settings
    private let endpoints: SecurityHubEndpointRules
    private let credentials: CredentialProvider
    private let direct: HTTPClient
    private let proxied: HTTPClient?
    var directClient: HTTPClient { direct }
    var proxiedClient: HTTPClient? { proxied }
    private let policy: RetryPolicy
    private let keyCache = SigningKeyCache()
    private let logger: Logger
    private let controllers = Mutex<[String: RegionRateController]>([:])
    private let resolved = Mutex<[String: SecurityHubEndpoint]>([:])
    private let counts: Mutex<RemoteStatistics>

    /// A target sending through `direct` (and `proxied`, for hosts not in `NO_PROXY` when a
    /// proxy is set); the caller resolved `credentials` before (no credentials: exit 2).
    init(
        settings: Settings, endpoints: SecurityHubEndpointRules, credentials: CredentialProvider,
        direct: HTTPClient, proxied: HTTPClient?, endpointLabel: String, logger: Logger
    ) {
        self.settings = settings
        self.endpoints = endpoints
        self.credentials = credentials
        self.direct = direct
        self.proxied = proxied
        self.policy = RetryPolicy(maxAttempts: settings.maxAttempts)
        self.logger = logger
        self.name = "securityhub:\(endpointLabel)"
        self.defaultConcurrency = settings.concurrency
        self.counts = Mutex(RemoteStatistics(endpoint: endpointLabel))
    }

    /// Milliseconds of the monotonic clock the rates are kept on (the pipeline's, too).
    public func now() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }

    public var remoteStatistics: RemoteStatistics? { counts.withLock { $0 } }

    // MARK: Pacing

    public func sendDelay(region: String, now: Int64) -> Int64 {
        withController(region, now: now) { $0.delay(now: now) }
    }

    public func takeSend(region: String, now: Int64) {
        withController(region, now: now) { $0.takeSend(now: now) }
    }

    private func record(region: String, throttled: Bool) {
        let time = now()
        withController(region, now: time) { controller in
            if throttled {
                controller.recordThrottle(now: time)
            } else {
                controller.recordSuccess(now: time)
            }
        }
    }

    /// Runs `body` on `region`'s controller, made at `now` on first use.
    private func withController<T>(_ region: String, now: Int64, _ body: (inout RegionRateController) -> T) -> T {
        controllers.withLock { all in
            body(&all[region, default: RegionRateController(rate: settings.rate, burst: settings.burst, now: now)])
        }
    }

    // MARK: One attempt

    public func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (BatchAttempt.Result) -> Void) {
        let pending = work.pending
        counts.withLock { counts in
            counts.regions[work.batch.region, default: .init()].requests += 1
            if work.attempt == 1 && work.round == 1 {
                counts.regions[work.batch.region, default: .init()].findings += work.batch.members.count
            } else {
                counts.retries += 1
                counts.regions[work.batch.region, default: .init()].retries += 1
            }
        }
        let started = now()
        switch prepare(work.batch, members: pending) {
        case .failed(let answer):
            completion(interpret(answer, of: work, pending: pending, elapsed: 0))
        case .ready(let client, let request):
            client.execute(request: request).whenComplete { [self] result in
                completion(interpret(answer(from: result), of: work, pending: pending, elapsed: now() - started))
            }
        }
    }

    /// What one answer (or its absence) leaves of `work`.
    private func interpret(_ answer: Answer, of work: BatchAttempt, pending: [Int], elapsed: Int64)
        -> BatchAttempt.Result
    {
        let batch = work.batch
        switch answer {
        case .answered(let status, let errorType, let body):
            logger.debug(
                "BatchUpdateFindings",
                metadata: [
                    "region": "\(batch.region)", "status": "\(status)", "attempt": "\(work.attempt)",
                    "findings": "\(pending.count)", "ms": "\(elapsed)",
                ])
            if status == 200 {
                record(region: batch.region, throttled: false)
                if let parsed = BatchUpdateAnswer.parse(body) {
                    return resolve(work, pending: pending, with: parsed)
                }
                // Garbage with a 200: it may have been applied; sending again is safe.
                return failed(
                    work, pending: pending, failure: .http(status: 500, code: nil),
                    final: (.internalFailure, "the service's answer could not be read (HTTP 200, not JSON)"))
            }
            let error = ServiceErrorAnswer.parse(status: status, errorTypeHeader: errorType, body: body)
            let failure = AttemptFailure.http(status: status, code: error.code)
            let throttled = RetryPolicy.classify(failure) == .throttle
            if throttled {
                counts.withLock { counts in
                    counts.throttled += 1
                    counts.regions[batch.region, default: .init()].throttled += 1
                }
            }
            record(region: batch.region, throttled: throttled)
            return failed(work, pending: pending, failure: failure, final: Self.finalOutcome(status: status, error))
        case .noAnswer(let failure, let code, let detail):
            logger.debug(
                "BatchUpdateFindings: no answer",
                metadata: [
                    "region": "\(batch.region)", "attempt": "\(work.attempt)", "error": "\(detail)",
                    "ms": "\(elapsed)",
                ])
            return failed(work, pending: pending, failure: failure, final: (code, detail))
        case .noCredentials(let message):
            let stop = LaneStop(
                region: batch.region, cause: .credentialsRefused, code: "CredentialsUnavailable", message: message)
            return .stopped(work, stop)
        case .unsendable(let code, let message):
            var outcomes = work.outcomes
            for index in pending { outcomes[index] = .failed(code, message) }
            return .finished(outcomes.map { $0! })
        }
    }

    /// The members of a 200 answer: done, or sent again (retryable codes, tries left).
    private func resolve(_ work: BatchAttempt, pending: [Int], with answer: BatchUpdateAnswer) -> BatchAttempt.Result {
        var positions: [FindingIdentifier: Int] = [:]
        for index in pending { positions[work.batch.members[index].identifier] = index }
        var next = work
        var again = false
        for identifier in answer.processed {
            if let index = positions.removeValue(forKey: identifier) { next.outcomes[index] = .processed }
        }
        for entry in answer.unprocessed {
            guard let index = positions.removeValue(forKey: entry.identifier) else { continue }
            if RetryPolicy.isRetryable(findingErrorCode: entry.code), work.round < settings.maxAttempts {
                again = true
                continue
            }
            let code = ErrorCode(rawValue: entry.code) ?? .internalFailure
            let message = entry.message.isEmpty ? code.defaultMessage : entry.message
            next.outcomes[index] = .failed(
                code, ErrorCode(rawValue: entry.code) == nil ? "\(entry.code): \(message)" : message)
        }
        for index in positions.values {
            next.outcomes[index] = .failed(.internalFailure, "the service returned no outcome")
        }
        guard again else { return .finished(next.outcomes.map { $0! }) }
        // A new request for them, with its own tries.
        next.round += 1
        next.attempt = 1
        return .again(next, afterMilliseconds: backoff(after: work.round))
    }

    /// A whole request failed: sent again while the policy allows, else every pending member
    /// fails with `final`.
    private func failed(
        _ work: BatchAttempt, pending: [Int], failure: AttemptFailure, final: (ErrorCode, String)
    ) -> BatchAttempt.Result {
        if let cause = policy.stopsLane(failure, attempt: work.attempt) {
            // Nothing was decided about these records: they stay for --resume.
            return .stopped(
                work, LaneStop(region: work.batch.region, cause: cause, code: Self.name(failure), message: final.1))
        }
        if policy.shouldRetry(failure, attempt: work.attempt) {
            var next = work
            next.attempt += 1
            return .again(next, afterMilliseconds: backoff(after: work.attempt))
        }
        var outcomes = work.outcomes
        let tries = work.attempt == 1 ? "" : " (\(work.attempt) tries)"
        for index in pending { outcomes[index] = .failed(final.0, final.1 + tries) }
        return .finished(outcomes.map { $0! })
    }

    /// The name a lane stop gives `failure`: the service's code, else what happened on the wire.
    private static func name(_ failure: AttemptFailure) -> String {
        switch failure {
        case .http(let status, let code): code ?? "HTTP \(status)"
        case .timeout: ErrorCode.requestTimeout.rawValue
        case .connectionBroken, .connectFailed: ErrorCode.connectionError.rawValue
        }
    }

    private func backoff(after attempt: Int) -> Int64 {
        var random = SystemRandomNumberGenerator()
        return policy.backoff(afterAttempt: attempt, random: &random)
    }

    /// The code and message each record of a request failed as a whole gets.
    static func finalOutcome(status: Int, _ error: ServiceErrorAnswer) -> (ErrorCode, String) {
        let message = error.message.isEmpty ? nil : error.message
        if let name = error.code, let code = ErrorCode(rawValue: name), !Self.perFindingCodes.contains(code) {
            return (code, message ?? code.defaultMessage)
        }
        let name = error.code ?? "HTTP \(status)"
        return (.serviceError, "HTTP \(status) \(name)" + (message.map { ": \($0)" } ?? ""))
    }

    private static let perFindingCodes: Set<ErrorCode> = [
        .malformedRecord, .malformedInput, .invalidInput, .findingNotFound, .duplicatedFindingIdentifier,
        .findingSizeExceeded, .concurrentUpdateError, .internalFailure, .accessDenied,
    ]

    // MARK: The wire

    private enum Answer {
        case answered(status: Int, errorType: String?, body: [UInt8])
        case noAnswer(AttemptFailure, ErrorCode, String)
        /// Could not even be sent (endpoint unusable): final for these members.
        case unsendable(ErrorCode, String)
        /// Could not be signed: no credentials could be had (the provider already retried).
        case noCredentials(String)
    }

    private func endpoint(for region: String) throws(EndpointError) -> SecurityHubEndpoint {
        if let known = resolved.withLock({ $0[region] }) { return known }
        let endpoint = try endpoints.endpoint(forRegion: region)
        resolved.withLock { $0[region] = endpoint }
        return endpoint
    }

    /// A request ready to go, or why there is none.
    private enum Prepared {
        case ready(HTTPClient, HTTPClient.Request)
        case failed(Answer)
    }

    /// The signed request for `members` of `batch`, with the credentials current now.
    private func prepare(_ batch: PlannedBatch, members: [Int]) -> Prepared {
        let endpoint: SecurityHubEndpoint
        do {
            endpoint = try self.endpoint(for: batch.region)
        } catch {
            return .failed(.unsendable(.invalidInput, "no Security Hub endpoint for Region \(batch.region): \(error)"))
        }
        let current: AWSCredentials
        do {
            current = try credentials.current()
        } catch {
            return .failed(.noCredentials("credentials unavailable: \(error.message)"))
        }
        let body = BatchUpdateBody.make(batch, members: members)
        let path = endpoint.basePath + "/findings/batchupdate"
        let unsigned = SigV4Request(
            method: "PATCH", path: path,
            headers: [
                .init("Host", endpoint.hostHeader), .init("Content-Type", "application/json"),
            ], body: body)
        let signer = SigV4Signer(
            credentials: current.signing, region: endpoint.signingRegion, service: "securityhub", keyCache: keyCache)
        let signed = signer.sign(unsigned, at: SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970)))
        var headers = HTTPHeaders()
        for header in signed.request.headers { headers.add(name: header.name, value: header.value) }
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "User-Agent", value: "triage")
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: endpoint.scheme + "://" + endpoint.hostHeader + path, method: .PATCH, headers: headers,
                body: .bytes(body))
        } catch {
            return .failed(.unsendable(.invalidInput, "bad endpoint URL for Region \(batch.region)"))
        }
        let client = (proxied != nil && !settings.http.bypassesProxy(endpoint.host)) ? proxied! : direct
        return .ready(client, request)
    }

    /// What the client's result means for the batch.
    private func answer(from result: Result<HTTPClient.Response, any Error>) -> Answer {
        let http = settings.http
        switch result {
        case .success(let response):
            let bytes = response.body.map { Array($0.readableBytesView) } ?? []
            return .answered(
                status: Int(response.status.code), errorType: response.headers["x-amzn-ErrorType"].first, body: bytes)
        case .failure(let error as HTTPClientError):
            switch error {
            case .readTimeout, .deadlineExceeded:
                return .noAnswer(.timeout, .requestTimeout, "no answer within \(Self.seconds(http.readTimeout)) s")
            case .connectTimeout:
                return .noAnswer(
                    .connectFailed, .requestTimeout, "no connection within \(Self.seconds(http.connectTimeout)) s")
            case .remoteConnectionClosed:
                return .noAnswer(.connectionBroken, .connectionError, "the connection closed before the answer")
            default:
                return .noAnswer(.connectionBroken, .connectionError, "HTTP client: \(error)")
            }
        case .failure(let error):
            return .noAnswer(.connectFailed, .connectionError, "connection failed: \(Self.describe(error))")
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A network error in one line (NIO's errors name the address, never a secret).
    private static func describe(_ error: any Error) -> String {
        String(describing: error).replacingOccurrences(of: "\n", with: " ")
    }

    // MARK: BatchTarget

    /// One attempt after another on the calling thread (for callers without the pipeline's
    /// scheduler).
    public func apply(_ batch: PlannedBatch) -> [Outcome] {
        var work = BatchAttempt(batch)
        while true {
            var delay = sendDelay(region: batch.region, now: now())
            while delay > 0 {
                Thread.sleep(forTimeInterval: Double(delay) / 1000)
                delay = sendDelay(region: batch.region, now: now())
            }
            takeSend(region: batch.region, now: now())
            switch attemptWaiting(work) {
            case .finished(let outcomes): return outcomes
            case .stopped(let work, let stop):
                return work.outcomes.map { $0 ?? .failed(.serviceError, stop.line) }
            case .again(let next, let wait):
                Thread.sleep(forTimeInterval: Double(wait) / 1000)
                work = next
            }
        }
    }
}
