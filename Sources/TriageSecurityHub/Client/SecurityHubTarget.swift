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
    private let machine: AttemptStateMachine
    /// Requests on the wire, to cut off when the run stops (``interruptRequests(afterMilliseconds:)``).
    private let inFlight = Mutex<InFlight>(InFlight())

    private struct InFlight {
        var next = 0
        var tasks: [Int: HTTPClient.Task<HTTPClient.Response>] = [:]
        /// Set once the stop's grace period passed: a request failing from then on was cut off.
        var interrupted = false
    }
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
        self.machine = AttemptStateMachine(policy: policy)
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
            completion(decide(work, answer, elapsed: 0))
        case .ready(let client, let request):
            let http = settings.http
            // A deadline for the whole try, besides the read timeout between bytes: an answer
            // trickled a byte at a time never holds a request (and the run) longer than this.
            let deadline = NIODeadline.now() + .milliseconds(Int64((http.connectTimeout + http.readTimeout) * 1000))
            let task = client.execute(
                request: request, delegate: ResponseAccumulator(request: request, maxBodySize: Self.maxAnswerBytes),
                deadline: deadline)
            let ticket = inFlight.withLock { state -> Int in
                state.next += 1
                state.tasks[state.next] = task
                return state.next
            }
            task.futureResult.whenComplete { [self] result in
                let interrupted = inFlight.withLock { state in
                    state.tasks[ticket] = nil
                    return state.interrupted
                }
                let answer = interrupted && (try? result.get()) == nil ? .interrupted : answer(from: result)
                completion(decide(work, answer, elapsed: now() - started))
            }
        }
    }

    /// The largest answer read: far above any real one (100 findings answered unprocessed, with
    /// their ARNs and messages, are well under 100 KB); a larger one fails its try.
    static let maxAnswerBytes = 8 << 20

    public func interruptRequests(afterMilliseconds graceMilliseconds: Int64) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(graceMilliseconds))) { [self] in
            let tasks = inFlight.withLock { state in
                state.interrupted = true
                return Array(state.tasks.values)
            }
            if !tasks.isEmpty {
                logger.info("the run stopped: cutting off \(tasks.count) request(s) still waiting for an answer")
            }
            for task in tasks { task.cancel() }
        }
    }

    /// What one answer (or its absence) leaves of `work`: the rules are the state machine's.
    private func decide(_ work: BatchAttempt, _ answer: AttemptAnswer, elapsed: Int64) -> BatchAttempt.Result {
        let batch = work.batch
        logger.debug(
            "BatchUpdateFindings",
            metadata: [
                "region": "\(batch.region)", "attempt": "\(work.attempt)", "round": "\(work.round)",
                "findings": "\(work.pending.count)", "ms": "\(elapsed)", "answer": "\(Self.summary(answer))",
            ])
        let decision = machine.decide(work, answer: answer) { [self] after in backoff(after: after) }
        switch decision.rate {
        case .none: break
        case .answered: record(region: batch.region, throttled: false)
        case .throttled:
            counts.withLock { counts in
                counts.throttled += 1
                counts.regions[batch.region, default: .init()].throttled += 1
            }
            record(region: batch.region, throttled: true)
        }
        return decision.result
    }

    /// An answer in a few words for the debug log (never a body: it may name findings).
    private static func summary(_ answer: AttemptAnswer) -> String {
        switch answer {
        case .answered(let processed, let unprocessed):
            "200 processed \(processed.count) unprocessed \(unprocessed.count)"
        case .unreadable(let why): "200 unreadable: \(why)"
        case .error(let status, let code, _): "\(status) \(code ?? "")"
        case .noAnswer(_, let detail): "no answer: \(detail)"
        case .noCredentials: "no credentials"
        case .unsendable(let code, _): "unsendable: \(code)"
        case .interrupted: "cut off by the stop"
        }
    }

    private func backoff(after attempt: Int) -> Int64 {
        var random = SystemRandomNumberGenerator()
        return policy.backoff(afterAttempt: attempt, random: &random)
    }

    // MARK: The wire

    private func endpoint(for region: String) throws(EndpointError) -> SecurityHubEndpoint {
        if let known = resolved.withLock({ $0[region] }) { return known }
        let endpoint = try endpoints.endpoint(forRegion: region)
        resolved.withLock { $0[region] = endpoint }
        return endpoint
    }

    /// A request ready to go, or why there is none.
    private enum Prepared {
        case ready(HTTPClient, HTTPClient.Request)
        case failed(AttemptAnswer)
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
    private func answer(from result: Result<HTTPClient.Response, any Error>) -> AttemptAnswer {
        let http = settings.http
        switch result {
        case .success(let response):
            let status = Int(response.status.code)
            let body = response.body.map { Array($0.readableBytesView) } ?? []
            guard status == 200 else {
                let error = ServiceErrorAnswer.parse(
                    status: status, errorTypeHeader: response.headers["x-amzn-ErrorType"].first, body: body)
                return .error(status: status, code: error.code, message: error.message)
            }
            switch BatchUpdateAnswer.parse(body) {
            case .success(let parsed):
                return .answered(processed: parsed.processed, unprocessed: parsed.unprocessed)
            case .failure(let why):
                return .unreadable(why: why.description)
            }
        case .failure(is ResponseAccumulator.ResponseTooBigError):
            return .unreadable(why: "larger than \(Self.maxAnswerBytes >> 20) MiB, cut off")
        case .failure(let error as HTTPClientError):
            switch error {
            case .readTimeout:
                return .noAnswer(.timeout, detail: "no answer within \(Self.seconds(http.readTimeout)) s")
            case .deadlineExceeded:
                return .noAnswer(
                    .timeout,
                    detail:
                        "no complete answer within \(Self.seconds(http.connectTimeout + http.readTimeout)) s "
                        + "(--connect-timeout + --read-timeout)")
            case .connectTimeout:
                return .noAnswer(
                    .connectFailed, detail: "no connection within \(Self.seconds(http.connectTimeout)) s")
            case .remoteConnectionClosed:
                return .noAnswer(.connectionBroken, detail: "the connection closed before the answer")
            default:
                return .noAnswer(.connectionBroken, detail: "HTTP client: \(error)")
            }
        case .failure(let error):
            return .noAnswer(.connectFailed, detail: "connection failed: \(Self.describe(error))")
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
