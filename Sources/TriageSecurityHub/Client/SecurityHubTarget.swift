import AsyncHTTPClient
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TriageCore
import TriageSigV4

/// `apply --target securityhub`: the shell of an attempt. Each try of a batch is one
/// `PATCH /findings/batchupdate` request to its Region's endpoint, signed with the credentials
/// current at that moment; its answer is read into an ``AttemptAnswer`` and nothing more.
///
/// What the answer means for each record (`batchupdatefindings.md` §2: processed, failed with
/// the service's code, sent again, unconfirmed), whether the request is tried again, and when a
/// Region's lane stops, is the ``AttemptStateMachine``'s, under this target's ``retryPolicy``
/// (`--max-attempts`); each Region's pace is its ``RegionRateController`` (``pacer(forRegion:now:)``,
/// `--rate`/`--burst`), which the scheduler holds. A request whose answer never came may have been
/// applied; sending it again is safe because an update is idempotent, except that a re-sent
/// `Note` is stamped again with a new `UpdatedAt` (its text and author are the same).
///
/// - Threads: ``attempt(_:completion:)`` signs and sends on the calling thread and returns; the
///   answer is read on the client's event loop and handed to the completion, so no thread waits
///   for a request on the wire.
/// - Nothing logged holds a secret, a session token or a signature.
///
/// `@unchecked Sendable` is not needed: every mutable part sits behind a `Mutex`.
public final class SecurityHubTarget: BatchTarget {
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
    /// `--assume-role`: each account's role, for the batches of its lanes; nil without.
    private let roles: AccountRoles?
    private let direct: HTTPClient
    private let proxied: HTTPClient?
    var directClient: HTTPClient { direct }
    var proxiedClient: HTTPClient? { proxied }
    /// `--max-attempts`, and the backoff.
    public let retryPolicy: RetryPolicy
    public let endpointLabel: String?
    /// The wall clock that dates signatures; the monotonic one times each try for the debug log.
    private let clock: JobClock
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
    private let resolved = Mutex<[String: SecurityHubEndpoint]>([:])

    /// A target sending through `direct` (and `proxied`, for hosts not in `NO_PROXY` when a
    /// proxy is set); the caller resolved `credentials` before (no credentials: exit 2).
    init(
        settings: Settings, endpoints: SecurityHubEndpointRules, credentials: CredentialProvider,
        direct: HTTPClient, proxied: HTTPClient?, endpointLabel: String, logger: Logger, clock: JobClock,
        roles: AccountRoles? = nil
    ) {
        self.settings = settings
        self.endpoints = endpoints
        self.credentials = credentials
        self.roles = roles
        self.direct = direct
        self.proxied = proxied
        self.retryPolicy = RetryPolicy(maxAttempts: settings.maxAttempts)
        self.clock = clock
        self.logger = logger
        self.name = "securityhub:\(endpointLabel)"
        self.endpointLabel = endpointLabel
        self.defaultConcurrency = settings.concurrency
    }

    /// Each Region's pace: the client-side limit (`--rate`, `--burst`), cut by throttles.
    public func pacer(for lane: LaneKey, now: Int64) -> (any LanePacer)? {
        RegionRateController(rate: settings.rate, burst: settings.burst, now: now)
    }

    /// With `--assume-role`: the accounts whose role was assumed, and those STS refused (code and
    /// message), in the order first asked; nil without `--assume-role`.
    public var assumedRoles: (assumed: [String], refused: [(account: String, code: String, message: String)])? {
        guard let roles else { return nil }
        var assumed: [String] = []
        var refused: [(account: String, code: String, message: String)] = []
        for entry in roles.outcomes() {
            if let refusal = entry.refusal {
                refused.append((entry.account, refusal.code, refusal.message))
            } else {
                assumed.append(entry.account)
            }
        }
        return (assumed, refused)
    }

    // MARK: One attempt

    public func attempt(_ work: BatchAttempt, completion: @escaping @Sendable (AttemptAnswer) -> Void) {
        let pending = work.pending
        let started = clock.monotonicMilliseconds()
        switch prepare(work.batch, members: pending) {
        case .failed(let answer):
            log(work, answer, elapsed: 0)
            completion(answer)
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
                log(work, answer, elapsed: clock.monotonicMilliseconds() - started)
                completion(answer)
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

    /// One try in the debug log (what it means is the state machine's, in the scheduler).
    private func log(_ work: BatchAttempt, _ answer: AttemptAnswer, elapsed: Int64) {
        logger.debug(
            "BatchUpdateFindings",
            metadata: [
                "region": "\(work.batch.region)", "account": "\(work.batch.account ?? "own")",
                "attempt": "\(work.attempt)", "round": "\(work.round)",
                "findings": "\(work.pending.count)", "ms": "\(elapsed)", "answer": "\(Self.summary(answer))",
            ])
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
        case .decided(let outcomes): "decided \(outcomes.count)"
        }
    }

    // MARK: The wire

    private func endpoint(for region: String) throws(CoreError) -> SecurityHubEndpoint {
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
        if let account = batch.account, let roles {
            switch roles.credentials(for: account) {
            case .credentials(let assumed): current = assumed
            case .refused(let code, let message):
                // The role cannot be assumed: the account's records fail once, with STS's words.
                let outcome = Outcome.failed(ErrorCode(verbatim: code), message)
                return .failed(.decided(Array(repeating: outcome, count: members.count)))
            case .unavailable(let message): return .failed(.noCredentials(message))
            }
        } else {
            do {
                current = try credentials.current()
            } catch {
                return .failed(.noCredentials("credentials unavailable: \(error.message)"))
            }
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
        let signed = signer.sign(unsigned, at: SigningDate(secondsSince1970: clock.wallMilliseconds() / 1000))
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
}
