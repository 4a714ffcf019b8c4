import Testing
import TriageCore

@testable import TriageSecurityHub

@Suite struct BatchUpdateAnswerTests {
    @Test func parsesBothLists() throws {
        let body = Array(
            #"{"ProcessedFindings":[{"Id":"a","ProductArn":"p"}],"UnprocessedFindings":[{"FindingIdentifier":{"Id":"b","ProductArn":"p"},"ErrorCode":"FindingNotFound","ErrorMessage":"Finding Not Found"}],"Extra":1}"#
                .utf8)
        let answer = try #require(BatchUpdateAnswer.parse(body))
        #expect(answer.processed == [FindingIdentifier(id: "a", productArn: "p")])
        #expect(answer.unprocessed.map(\.code) == ["FindingNotFound"])
    }

    @Test(arguments: ["not json", "[1]", #"{"ProcessedFindings":[{"Id":"a"}]}"#, #"{"ProcessedFindings":3}"#])
    func refusesGarbage(_ text: String) {
        #expect(BatchUpdateAnswer.parse(Array(text.utf8)) == nil)
    }

    @Test func emptyBodyIsAnEmptyAnswer() throws {
        let answer = try #require(BatchUpdateAnswer.parse([]))
        #expect(answer.processed.isEmpty && answer.unprocessed.isEmpty)
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
        let (code, message) = SecurityHubTarget.finalOutcome(status: 429, answer)
        #expect(code == .tooManyRequestsException && message == "Too Many Requests")
        let unknown = SecurityHubTarget.finalOutcome(
            status: 418, ServiceErrorAnswer(code: "TeapotException", message: "short and stout"))
        #expect(unknown.0 == .serviceError && unknown.1 == "HTTP 418 TeapotException: short and stout")
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
