import Testing
import TriageCore

@testable import TriageSecurityHub

@Suite struct BatchUpdateAnswerTests {
    @Test func parsesBothLists() throws {
        let body = Array(
            #"{"ProcessedFindings":[{"Id":"a","ProductArn":"p"}],"UnprocessedFindings":[{"FindingIdentifier":{"Id":"b","ProductArn":"p"},"ErrorCode":"FindingNotFound","ErrorMessage":"Finding Not Found"}],"Extra":1}"#
                .utf8)
        let answer = try BatchUpdateAnswer.parse(body).get()
        #expect(answer.processed == [FindingIdentifier(id: "a", productArn: "p")])
        #expect(answer.unprocessed.map(\.code) == ["FindingNotFound"])
    }

    /// What is not an answer, and how the record's message names it (a JSON body of the wrong
    /// shape is not called "not JSON"). The service always sends both lists: an empty body, `{}`
    /// or nulls are an answer that did not arrive whole, retried, not one that processed nothing.
    @Test(
        arguments: [
            ("not json", "not JSON"), ("[1]", "JSON that is not an object"), ("", "an empty body"),
            ("  \n", "an empty body"), ("{}", "JSON without the ProcessedFindings list"),
            (#"{"ProcessedFindings":null,"UnprocessedFindings":null}"#, "JSON without the ProcessedFindings list"),
            (#"{"ProcessedFindings":[]}"#, "JSON without the UnprocessedFindings list"),
            (#"{"ProcessedFindings":3,"UnprocessedFindings":[]}"#, "JSON without the ProcessedFindings list"),
            (
                #"{"ProcessedFindings":[{"Id":"a"}],"UnprocessedFindings":[]}"#,
                "a ProcessedFindings entry without Id and ProductArn"
            ),
            (
                #"{"ProcessedFindings":[],"UnprocessedFindings":[{"ErrorCode":"X"}]}"#,
                "an UnprocessedFindings entry without its FindingIdentifier"
            ),
        ] as [(String, String)])
    func refusesWhatIsNotAnAnswer(_ text: String, why: String) {
        #expect(BatchUpdateAnswer.parse(Array(text.utf8)) == .failure(SecurityHubError(.unreadableAnswer, why)))
    }

    @Test func bothListsEmptyIsAnAnswer() throws {
        let answer = try BatchUpdateAnswer.parse(Array(#"{"ProcessedFindings":[],"UnprocessedFindings":[]}"#.utf8))
            .get()
        #expect(answer.processed.isEmpty && answer.unprocessed.isEmpty)
    }

    @Test func unknownCodesAreKeptVerbatim() throws {
        let body =
            #"{"ProcessedFindings":[],"UnprocessedFindings":[{"FindingIdentifier":{"Id":"b","ProductArn":"p"},"ErrorCode":"FindingArchived","ErrorMessage":"m"}]}"#
        let answer = try BatchUpdateAnswer.parse(Array(body.utf8)).get()
        #expect(answer.unprocessed.map(\.code) == ["FindingArchived"])
    }

    /// The precedence of `aws-wire.md` §1.7: header, then body `code`, `Code`, `__type`.
    @Test(
        arguments: [
            (400, "InvalidInputException:http://internal.amazon.com/coral/", #"{}"#, "InvalidInputException"),
            (400, nil, #"{"__type":"com.amazonaws.securityhub#InvalidInputException"}"#, "InvalidInputException"),
            (429, "LimitExceededException", #"{"__type":"X","Code":"Y"}"#, "LimitExceededException"),
            (400, nil, #"{"__type":"InvalidInputException","Code":"InternalException"}"#, "InternalException"),
            (400, nil, #"{"Message":"m"}"#, nil),
            (500, nil, "", nil),
            (500, nil, "<html>oops</html>", nil),
        ] as [(Int, String?, String, String?)])
    func errorCodePrecedence(status: Int, header: String?, body: String, code: String?) {
        #expect(ServiceErrorAnswer.parse(status: status, errorTypeHeader: header, body: Array(body.utf8)).code == code)
    }

    @Test func messageComesFromTheBody() {
        let answer = ServiceErrorAnswer.parse(
            status: 429, errorTypeHeader: "TooManyRequestsException",
            body: Array(#"{"message":"Too Many Requests"}"#.utf8))
        #expect(answer.message == "Too Many Requests")
        let (code, message) = AttemptStateMachine.finalOutcome(status: 429, code: answer.code, message: answer.message)
        #expect(code == .tooManyRequestsException && message == "Too Many Requests")
        let unknown = AttemptStateMachine.finalOutcome(status: 418, code: "TeapotException", message: "short and stout")
        #expect(unknown.code == .serviceError && unknown.message == "HTTP 418 TeapotException: short and stout")
        // A status without a code is named once ("HTTP 502", never "HTTP 502 HTTP 502").
        let bare = AttemptStateMachine.finalOutcome(status: 502, code: nil, message: "")
        #expect(bare.code == .serviceError && bare.message == "HTTP 502")
    }

    @Test func bodyJoinsIdentifiersAndTheCanonicalUpdate() throws {
        var update = FindingUpdate()
        update.workflowStatus = .resolved
        let batch = PlannedBatch(
            update: CanonicalUpdate(update),
            members: [
                BatchMember(sequence: 0, identifier: FindingIdentifier(id: "a", productArn: "p")),
                BatchMember(sequence: 1, identifier: FindingIdentifier(id: "b\"", productArn: "p")),
            ], region: "us-east-1")
        let body = String(decoding: BatchUpdateBody.make(batch, members: [1]), as: UTF8.self)
        #expect(body == #"{"FindingIdentifiers":[{"Id":"b\"","ProductArn":"p"}],"Workflow":{"Status":"RESOLVED"}}"#)
    }
}
