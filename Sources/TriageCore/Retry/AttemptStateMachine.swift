/// What one try of a `BatchUpdateFindings` request brought back, as the wire shell read it.
public enum AttemptAnswer: Sendable, Equatable {
    /// One entry of `UnprocessedFindings`, its `ErrorCode` as the service wrote it.
    public struct Unprocessed: Sendable, Equatable {
        public var identifier: FindingIdentifier
        public var code: String
        public var message: String

        /// Creates an entry.
        public init(identifier: FindingIdentifier, code: String, message: String) {
            self.identifier = identifier
            self.code = code
            self.message = message
        }
    }

    /// The target decided each pending member's outcome itself, in the pending members' order
    /// (an ``ImmediateBatchTarget``: the store); final.
    case decided([Outcome])
    /// A `200` whose body is the API's answer.
    case answered(processed: [FindingIdentifier], unprocessed: [Unprocessed])
    /// A `200` whose body is not such an answer; `why` says what it is instead.
    case unreadable(why: String)
    /// An error answer: its status, the error's name (nil when the answer gives none) and message.
    case error(status: Int, code: String?, message: String)
    /// No answer: the try failed on the wire (`detail` says how, one line).
    case noAnswer(AttemptFailure, detail: String)
    /// No credentials could be had to sign the request (the provider already retried).
    case noCredentials(String)
    /// The request cannot be sent at all (no endpoint for the Region): final for its members.
    case unsendable(ErrorCode, String)
    /// The run stopped and the request was cut off after the stop's grace period: nothing is
    /// decided, the try is not counted; the dispatcher leaves its members for `--resume`.
    case interrupted
}

/// Every rule of the wire in one place, pure: given a batch's state and the answer to its latest
/// try, what happens next — its members' outcomes, a resend of some of them after a wait, or a
/// stop of the Region's lane — and what the answer says about the Region's rate. The Security
/// Hub target only signs, sends and reads; the dispatcher only schedules what this returns.
///
/// | answer | what happens |
/// |---|---|
/// | `200`, finding in `ProcessedFindings` only | processed |
/// | `200`, finding in `UnprocessedFindings` only, `ConcurrentUpdateError` or `InternalFailure`, rounds left | sent again in a new request (a new round, its tries from 1) after a backoff |
/// | `200`, finding in `UnprocessedFindings` only, any other code (or no rounds left) | failed with the service's code verbatim, listed or not, and its message (the code's API message when empty) |
/// | `200`, finding in both lists, or twice in `UnprocessedFindings` with different codes | contradictory: sent again while rounds are left, then *unconfirmed* |
/// | `200`, finding in neither list | sent again while rounds are left, then *unconfirmed* |
/// | `200` unreadable (not JSON, another shape, empty, too large) | the whole request tried again, like a 5xx |
/// | error answer or no answer | ``RetryPolicy``: tried again (backoff), the lane stopped (credentials refused; or a transient failure at the last try), or final: every pending member fails with the error |
/// | no credentials | the lane stops |
/// | unsendable | every pending member fails with the reason |
/// | cut off by a stop | nothing decided: the dispatcher, stopped, leaves the members for `--resume` |
/// | decided by the target (the store) | each pending member's outcome as given; one missing fails with `InternalFailure` |
///
/// *Unconfirmed* (``Outcome/unconfirmed(_:_:)``): reported failed, with a message that says the
/// update may be in effect, and sent again by `--resume`. A record is reported plainly failed
/// only when the service decided so.
public struct AttemptStateMachine: Sendable {
    /// What an answer says about the Region's rate.
    public enum RateSignal: Sendable, Equatable {
        /// Nothing (no answer came).
        case none
        /// The service answered without throttling.
        case answered
        /// The service throttled the request.
        case throttled
    }

    /// What to do after a try.
    public struct Decision: Sendable {
        /// The batch finished, goes again (some of its members, after a wait), or its lane stops.
        public var result: BatchAttempt.Result
        /// What the answer says about the rate.
        public var rate: RateSignal
        /// Whether the try went on the wire: false when the target decided without a request
        /// (the store, a role that cannot be assumed, no credentials, nothing sendable), so that
        /// a remote target's request counts leave it out.
        public var sent: Bool

        /// A decision (the machine's; tests of what schedules them).
        public init(result: BatchAttempt.Result, rate: RateSignal, sent: Bool = true) {
            self.result = result
            self.rate = rate
            self.sent = sent
        }
    }

    /// Tries per request and rounds per batch (`--max-attempts`), and the backoff.
    public let policy: RetryPolicy

    /// A machine for `policy`.
    public init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// What `answer`, to the try of `work` that sent its pending members, leaves of it.
    /// `backoff(n)` is the wait after the n-th try or round (``RetryPolicy/backoff(afterAttempt:random:)``).
    public func decide(_ work: BatchAttempt, answer: AttemptAnswer, backoff: (Int) -> Int64) -> Decision {
        let pending = work.pending
        switch answer {
        case .decided(let decided):
            var outcomes = work.outcomes
            for (position, index) in pending.enumerated() {
                // One outcome per member even if a target misbehaves: never silently drop a record.
                outcomes[index] =
                    position < decided.count
                    ? decided[position] : .failed(.internalFailure, "the target returned no outcome")
            }
            return Decision(result: .finished(outcomes.map { $0! }), rate: .none, sent: false)
        case .answered(let processed, let unprocessed):
            return Decision(
                result: resolve(
                    work, pending: pending, processed: processed, unprocessed: unprocessed, backoff: backoff),
                rate: .answered)
        case .unreadable(let why):
            let message = "the service's answer could not be read (HTTP 200: \(why))"
            return Decision(
                result: failed(
                    work, pending: pending, failure: .unreadableAnswer, final: (.internalFailure, message),
                    backoff: backoff),
                rate: .answered)
        case .error(let status, let code, let message):
            let failure = AttemptFailure.http(status: status, code: code)
            let throttled = RetryPolicy.classify(failure) == .throttle
            return Decision(
                result: failed(
                    work, pending: pending, failure: failure,
                    final: Self.finalOutcome(status: status, code: code, message: message), backoff: backoff),
                rate: throttled ? .throttled : .answered)
        case .noAnswer(let failure, let detail):
            let code: ErrorCode = failure == .timeout ? .requestTimeout : .connectionError
            return Decision(
                result: failed(work, pending: pending, failure: failure, final: (code, detail), backoff: backoff),
                rate: .none)
        case .noCredentials(let message):
            let stop = LaneStop(
                region: work.batch.region, account: work.batch.account, cause: .credentialsRefused,
                code: "CredentialsUnavailable", message: message)
            return Decision(result: .stopped(work, stop), rate: .none, sent: false)
        case .interrupted:
            return Decision(result: .again(work, afterMilliseconds: 0), rate: .none)
        case .unsendable(let code, let message):
            var outcomes = work.outcomes
            for index in pending { outcomes[index] = .failed(code, message) }
            return Decision(result: .finished(outcomes.map { $0! }), rate: .none, sent: false)
        }
    }

    /// The members of a `200` answer: decided, or sent again in a new round.
    private func resolve(
        _ work: BatchAttempt, pending: [Int], processed: [FindingIdentifier], unprocessed: [AttemptAnswer.Unprocessed],
        backoff: (Int) -> Int64
    ) -> BatchAttempt.Result {
        let wasProcessed = Set(processed)
        var notProcessed: [FindingIdentifier: AttemptAnswer.Unprocessed] = [:]
        var contradicted: Set<FindingIdentifier> = []
        for entry in unprocessed {
            if let earlier = notProcessed[entry.identifier], earlier.code != entry.code {
                contradicted.insert(entry.identifier)
            }
            notProcessed[entry.identifier] = notProcessed[entry.identifier] ?? entry
            if wasProcessed.contains(entry.identifier) { contradicted.insert(entry.identifier) }
        }
        let roundsLeft = work.round < policy.maxAttempts
        let requests = work.round == 1 ? "" : " (\(work.round) requests)"
        var next = work
        var again = false
        for index in pending {
            let identifier = work.batch.members[index].identifier
            if contradicted.contains(identifier) {
                if roundsLeft {
                    again = true
                } else {
                    let entry = notProcessed[identifier]!
                    next.outcomes[index] = .unconfirmed(
                        ErrorCode(verbatim: entry.code),
                        "the service answered this finding both processed and unprocessed (\(entry.code)"
                            + (entry.message.isEmpty ? "" : ": \(entry.message)") + ")\(requests); "
                            + Self.mayBeInEffect)
                }
            } else if wasProcessed.contains(identifier) {
                next.outcomes[index] = .processed
            } else if let entry = notProcessed[identifier] {
                if roundsLeft, RetryPolicy.isRetryable(findingErrorCode: entry.code) {
                    again = true
                } else {
                    let code = ErrorCode(verbatim: entry.code)
                    next.outcomes[index] = .failed(code, entry.message.isEmpty ? code.defaultMessage : entry.message)
                }
            } else if roundsLeft {
                again = true
            } else {
                next.outcomes[index] = .unconfirmed(
                    .internalFailure,
                    "the service's answers gave this finding no outcome\(requests); " + Self.mayBeInEffect)
            }
        }
        guard again else { return .finished(next.outcomes.map { $0! }) }
        // A new request for them, with its own tries.
        next.round += 1
        next.attempt = 1
        return .again(next, afterMilliseconds: backoff(work.round))
    }

    /// A whole request failed: sent again while the policy allows, the lane stopped, else every
    /// pending member fails with `final`.
    private func failed(
        _ work: BatchAttempt, pending: [Int], failure: AttemptFailure, final: (code: ErrorCode, message: String),
        backoff: (Int) -> Int64
    ) -> BatchAttempt.Result {
        let tries = work.attempt == 1 ? "" : " (\(work.attempt) tries)"
        if let cause = policy.stopsLane(failure, attempt: work.attempt) {
            // Nothing was decided about these records: they stay for --resume.
            var message = final.message + tries
            if failure.mayHaveBeenApplied {
                let answer: String
                if case .unreadableAnswer = failure { answer = "no readable answer" } else { answer = "no answer" }
                message += "; the updates whose last request got \(answer) may be in effect: --resume sends them again"
            }
            return .stopped(
                work,
                LaneStop(
                    region: work.batch.region, account: work.batch.account, cause: cause, code: Self.name(failure),
                    message: message))
        }
        if policy.shouldRetry(failure, attempt: work.attempt) {
            var next = work
            next.attempt += 1
            return .again(next, afterMilliseconds: backoff(work.attempt))
        }
        var outcomes = work.outcomes
        for index in pending { outcomes[index] = .failed(final.code, final.message + tries) }
        return .finished(outcomes.map { $0! })
    }

    /// The phrase every unconfirmed outcome ends with.
    public static let mayBeInEffect = "the update may be in effect; --resume sends it again"

    /// The name a lane stop gives `failure`: the service's code, else what happened on the wire.
    static func name(_ failure: AttemptFailure) -> String {
        switch failure {
        case .http(let status, let code): code ?? "HTTP \(status)"
        case .timeout: ErrorCode.requestTimeout.rawValue
        case .connectionBroken, .connectFailed: ErrorCode.connectionError.rawValue
        case .unreadableAnswer: "UnreadableAnswer"
        }
    }

    /// The code and message each pending member of a request that failed as a whole gets: a
    /// listed whole-request code as is; any other (or none) as `ServiceError`, the message naming
    /// the status and the code (`HTTP 502`, `HTTP 418 TeapotException: short and stout`).
    public static func finalOutcome(status: Int, code: String?, message: String) -> (code: ErrorCode, message: String) {
        let text = message.isEmpty ? nil : message
        if let name = code, let listed = ErrorCode(rawValue: name), !perFindingCodes.contains(listed) {
            return (listed, text ?? listed.defaultMessage)
        }
        let head = "HTTP \(status)" + (code.map { " \($0)" } ?? "")
        return (.serviceError, head + (text.map { ": \($0)" } ?? ""))
    }

    private static let perFindingCodes: Set<ErrorCode> = [
        .malformedRecord, .malformedInput, .invalidInput, .findingNotFound, .duplicatedFindingIdentifier,
        .findingSizeExceeded, .concurrentUpdateError, .internalFailure, .accessDenied,
    ]
}
