import Testing
import TriageCore

/// Every answer shape and every row of the wire's rules (``AttemptStateMachine``), as tables that
/// run without a network, a clock or a thread.
@Suite struct AttemptStateMachineTests {
    static let machine = AttemptStateMachine(policy: RetryPolicy(maxAttempts: 3))
    static let a = FindingIdentifier(id: "a", productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub")
    static let b = FindingIdentifier(id: "b", productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub")
    static let c = FindingIdentifier(id: "c", productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub")

    /// A batch of a, b, c at the given try and round.
    static func work(attempt: Int = 1, round: Int = 1) -> BatchAttempt {
        var update = FindingUpdate()
        update.workflowStatus = .resolved
        var work = BatchAttempt(
            PlannedBatch(
                update: CanonicalUpdate(update),
                members: [a, b, c].enumerated().map { BatchMember(sequence: $0.offset, identifier: $0.element) },
                region: "us-east-1"))
        work.attempt = attempt
        work.round = round
        return work
    }

    /// The backoff is the try's (or round's) number times 100 ms: which one was asked for shows.
    static func decide(_ work: BatchAttempt, _ answer: AttemptAnswer) -> AttemptStateMachine.Decision {
        machine.decide(work, answer: answer) { Int64($0) * 100 }
    }

    static func unprocessed(_ id: FindingIdentifier, _ code: String, _ message: String = "")
        -> AttemptAnswer.Unprocessed
    {
        AttemptAnswer.Unprocessed(identifier: id, code: code, message: message)
    }

    /// The outcomes of a finished batch; fails the test otherwise.
    static func finished(_ result: BatchAttempt.Result) -> [Outcome]? {
        if case .finished(let outcomes) = result { return outcomes }
        Issue.record("expected finished, got \(result)")
        return nil
    }

    // MARK: 200 answers

    @Test func processedFindingsAreProcessed() {
        let decision = Self.decide(Self.work(), .answered(processed: [Self.a, Self.b, Self.c], unprocessed: []))
        #expect(Self.finished(decision.result) == [.processed, .processed, .processed])
        #expect(decision.rate == .answered)
    }

    /// Codes other than the two retryable ones are final, verbatim whether listed or not; an
    /// empty message is the code's API message.
    @Test func unprocessedFindingsFailWithTheServicesCodeVerbatim() {
        let decision = Self.decide(
            Self.work(),
            .answered(
                processed: [Self.a],
                unprocessed: [
                    Self.unprocessed(Self.b, "FindingNotFound"), Self.unprocessed(Self.c, "FindingArchived", "gone"),
                ]
            ))
        let outcomes = Self.finished(decision.result)
        #expect(outcomes?[0] == .processed)
        #expect(outcomes?[1] == .failed(.findingNotFound, "Finding Not Found"))
        #expect(outcomes?[2] == .failed(ErrorCode(verbatim: "FindingArchived"), "gone"))
        #expect(outcomes?[2].errorCode?.rawValue == "FindingArchived")
        #expect(outcomes?[2].errorCode?.isListed == false)
    }

    @Test(arguments: ["ConcurrentUpdateError", "InternalFailure"])
    func retryableCodesGoAgainInANewRound(code: String) throws {
        let decision = Self.decide(
            Self.work(attempt: 2),
            .answered(processed: [Self.a, Self.c], unprocessed: [Self.unprocessed(Self.b, code)]))
        guard case .again(let next, let wait) = decision.result else {
            Issue.record("expected again, got \(decision.result)")
            return
        }
        #expect(next.round == 2 && next.attempt == 1 && wait == 100)
        #expect(next.pending == [1])
        #expect(next.outcomes[0] == .processed && next.outcomes[2] == .processed)
    }

    @Test func retryableCodesAreFinalInTheLastRound() {
        let decision = Self.decide(
            Self.work(round: 3),
            .answered(
                processed: [Self.a, Self.c], unprocessed: [Self.unprocessed(Self.b, "ConcurrentUpdateError", "m")]))
        #expect(Self.finished(decision.result)?[1] == .failed(.concurrentUpdateError, "m"))
    }

    /// A finding the answer does not mention: sent again, then unconfirmed (never plainly failed:
    /// the service did not decide).
    @Test func unmentionedFindingsGoAgainThenAreUnconfirmed() {
        let first = Self.decide(Self.work(), .answered(processed: [Self.a, Self.b], unprocessed: []))
        guard case .again(let next, _) = first.result else {
            Issue.record("expected again, got \(first.result)")
            return
        }
        #expect(next.pending == [2] && next.round == 2)
        let last = Self.decide(Self.work(round: 3), .answered(processed: [Self.a, Self.b], unprocessed: []))
        let outcome = Self.finished(last.result)?[2]
        #expect(outcome?.isUnconfirmed == true)
        #expect(outcome?.errorCode == .internalFailure)
        #expect(outcome?.errorMessage?.hasSuffix(AttemptStateMachine.mayBeInEffect) == true)
        #expect(outcome?.errorMessage?.contains("(3 requests)") == true)
    }

    /// Listed both processed and unprocessed, or unprocessed twice with two codes: contradictory,
    /// never recorded processed.
    @Test(
        arguments: [
            AttemptAnswer.answered(
                processed: [a, b, c], unprocessed: [unprocessed(b, "FindingNotFound", "Finding Not Found")]),
            AttemptAnswer.answered(
                processed: [a, c], unprocessed: [unprocessed(b, "FindingNotFound"), unprocessed(b, "InvalidInput")]),
        ])
    func contradictoryAnswersGoAgainThenAreUnconfirmed(answer: AttemptAnswer) {
        let first = Self.decide(Self.work(), answer)
        guard case .again(let next, _) = first.result else {
            Issue.record("expected again, got \(first.result)")
            return
        }
        #expect(next.pending == [1])
        let last = Self.decide(Self.work(round: 3), answer)
        let outcomes = Self.finished(last.result)
        #expect(outcomes?[0] == .processed && outcomes?[2] == .processed)
        #expect(outcomes?[1].isUnconfirmed == true)
        #expect(outcomes?[1].errorCode == .findingNotFound)
        #expect(outcomes?[1].errorMessage?.contains("both processed and unprocessed") == true)
        #expect(outcomes?[1].errorMessage?.hasSuffix(AttemptStateMachine.mayBeInEffect) == true)
    }

    @Test func findingsOutsideTheBatchAndDecidedMembersAreLeftAlone() {
        var work = Self.work(round: 2)
        work.outcomes[0] = .failed(.findingNotFound)
        let stranger = FindingIdentifier(id: "z", productArn: "p")
        let decision = Self.decide(
            work,
            .answered(processed: [Self.a, Self.b, Self.c, stranger], unprocessed: [Self.unprocessed(stranger, "X")]))
        #expect(Self.finished(decision.result) == [.failed(.findingNotFound), .processed, .processed])
    }

    /// An unreadable 200 is tried again like a 5xx (the request may have been applied), and at
    /// the last try stops the lane with the records left for --resume.
    @Test func unreadableAnswersAreTriedAgain() {
        let first = Self.decide(Self.work(), .unreadable(why: "an empty body"))
        guard case .again(let next, let wait) = first.result else {
            Issue.record("expected again, got \(first.result)")
            return
        }
        #expect(next.attempt == 2 && next.round == 1 && wait == 100)
        let last = Self.decide(Self.work(attempt: 3), .unreadable(why: "not JSON"))
        guard case .stopped(let left, let stop) = last.result else {
            Issue.record("expected stopped, got \(last.result)")
            return
        }
        #expect(left.pending == [0, 1, 2])
        #expect(stop.cause == .endpointFailing && stop.code == "UnreadableAnswer")
        #expect(stop.message.contains("HTTP 200: not JSON") && stop.message.contains("may be in effect"))
    }

    // MARK: Error answers

    /// (status, code, try, expected): `again` (next try), `stop` (cause), or the final outcome.
    enum Expected: Equatable, CustomTestStringConvertible {
        case again
        case stop(LaneStop.Cause, String)
        case final(ErrorCode, String)
        var testDescription: String { "\(self)" }
    }

    static let errorTable: [(Int, String?, String, Int, Expected, AttemptStateMachine.RateSignal)] = [
        (429, "TooManyRequestsException", "slow down", 1, .again, .throttled),
        (
            429, "TooManyRequestsException", "slow down", 3, .final(.tooManyRequestsException, "slow down (3 tries)"),
            .throttled
        ),
        (400, "ThrottlingException", "", 2, .again, .throttled),
        (500, "InternalException", "oops", 1, .again, .answered),
        (500, "InternalException", "oops", 3, .stop(.endpointFailing, "InternalException"), .answered),
        (502, nil, "", 2, .again, .answered),
        (502, nil, "", 3, .stop(.endpointFailing, "HTTP 502"), .answered),
        (501, nil, "", 1, .final(.serviceError, "HTTP 501"), .answered),
        (408, nil, "", 1, .again, .answered),
        (400, "InvalidInputException", "bad", 1, .final(.invalidInputException, "bad"), .answered),
        (400, "InvalidInputException", "", 2, .final(.invalidInputException, "Invalid input (2 tries)"), .answered),
        (403, "AccessDeniedException", "denied", 1, .final(.accessDeniedException, "denied"), .answered),
        (401, "InvalidAccessException", "", 1, .stop(.credentialsRefused, "InvalidAccessException"), .answered),
        (
            403, "InvalidSignatureException", "sig", 1, .stop(.credentialsRefused, "InvalidSignatureException"),
            .answered
        ),
        (
            403, "UnrecognizedClientException", "", 1, .stop(.credentialsRefused, "UnrecognizedClientException"),
            .answered
        ),
        (403, "ExpiredTokenException", "", 2, .stop(.credentialsRefused, "ExpiredTokenException"), .answered),
        (418, "TeapotException", "short", 1, .final(.serviceError, "HTTP 418 TeapotException: short"), .answered),
        (404, nil, "", 1, .final(.serviceError, "HTTP 404"), .answered),
        (400, "RequestTimeout", "", 1, .again, .answered),
    ]

    @Test(arguments: errorTable)
    func errorAnswers(
        row: (
            status: Int, code: String?, message: String, attempt: Int, expected: Expected,
            rate: AttemptStateMachine.RateSignal
        )
    ) {
        let decision = Self.decide(
            Self.work(attempt: row.attempt), .error(status: row.status, code: row.code, message: row.message))
        #expect(decision.rate == row.rate)
        switch (decision.result, row.expected) {
        case (.again(let next, let wait), .again):
            #expect(next.attempt == row.attempt + 1 && next.round == 1 && wait == Int64(row.attempt) * 100)
        case (.stopped(let left, let stop), .stop(let cause, let code)):
            #expect(stop.cause == cause && stop.code == code && stop.region == "us-east-1")
            #expect(left.pending == [0, 1, 2])
        case (.finished(let outcomes), .final(let code, let message)):
            #expect(outcomes == Array(repeating: .failed(code, message), count: 3))
        default:
            Issue.record("\(row): got \(decision.result)")
        }
    }

    // MARK: No answer

    @Test(arguments: [AttemptFailure.timeout, .connectionBroken, .connectFailed])
    func noAnswerIsTriedAgainThenStopsTheLane(failure: AttemptFailure) {
        let first = Self.decide(Self.work(), .noAnswer(failure, detail: "x"))
        guard case .again(let next, _) = first.result else {
            Issue.record("expected again, got \(first.result)")
            return
        }
        #expect(next.attempt == 2 && first.rate == .none)
        let last = Self.decide(Self.work(attempt: 3), .noAnswer(failure, detail: "no answer within 3 s"))
        guard case .stopped(let left, let stop) = last.result else {
            Issue.record("expected stopped, got \(last.result)")
            return
        }
        // Never a final failure: nothing was decided; the records stay for --resume.
        #expect(left.pending == [0, 1, 2] && stop.cause == .endpointFailing)
        #expect(stop.code == (failure == .timeout ? "RequestTimeout" : "ConnectionError"))
        #expect(stop.message.hasPrefix("no answer within 3 s (3 tries)"))
        // Only a request that was sent may be in effect.
        #expect(stop.message.contains("may be in effect") == (failure != .connectFailed))
    }

    @Test func noCredentialsStopsTheLane() {
        let decision = Self.decide(Self.work(), .noCredentials("credentials unavailable: STS is down"))
        guard case .stopped(let left, let stop) = decision.result else {
            Issue.record("expected stopped, got \(decision.result)")
            return
        }
        #expect(
            left.pending == [0, 1, 2] && stop.cause == .credentialsRefused && stop.code == "CredentialsUnavailable")
    }

    @Test func unsendableFailsThePendingMembers() {
        var work = Self.work()
        work.outcomes[0] = .processed
        let decision = Self.decide(work, .unsendable(.invalidInput, "no endpoint"))
        #expect(
            Self.finished(decision.result) == [
                .processed, .failed(.invalidInput, "no endpoint"), .failed(.invalidInput, "no endpoint"),
            ])
    }

    /// Cut off by a stop: nothing decided, the try not counted; the stopped dispatcher leaves the
    /// members for --resume.
    @Test func interruptedDecidesNothing() {
        let decision = Self.decide(Self.work(attempt: 2, round: 2), .interrupted)
        guard case .again(let next, let wait) = decision.result else {
            Issue.record("expected again, got \(decision.result)")
            return
        }
        #expect(next.attempt == 2 && next.round == 2 && next.pending == [0, 1, 2] && wait == 0)
        #expect(decision.rate == .none)
    }

    // MARK: Targets that decide themselves (the store)

    /// The store's answer: each pending member's outcome as given, in order, final, saying
    /// nothing about a rate; members decided before keep theirs.
    @Test func decidedOutcomesAreFinal() {
        var work = Self.work()
        work.outcomes[1] = .processed
        let decision = Self.decide(work, .decided([.failed(.findingNotFound), .processed]))
        #expect(Self.finished(decision.result) == [.failed(.findingNotFound), .processed, .processed])
        #expect(decision.rate == .none)
    }

    /// A target that returns fewer outcomes than members never drops a record.
    @Test func aMissingDecidedOutcomeFailsItsMember() {
        let decision = Self.decide(Self.work(), .decided([.processed]))
        #expect(
            Self.finished(decision.result) == [
                .processed, .failed(.internalFailure, "the target returned no outcome"),
                .failed(.internalFailure, "the target returned no outcome"),
            ])
    }
}
