import Foundation
import Testing
import TriageCore
import TriageSigV4
import TriageTestSupport

@testable import TriageSecurityHub
@testable import TriageServer

/// `triage serve` and the securityhub target agree on every row of the whole-request error table
/// (``RequestError``): serve answers error X with its status and name, and the client reads the
/// answer back as X, retried (and stopping a lane) as the table says. First each row through the
/// two sides' own code in process, then every row serve can answer, provoked on a real server
/// over a socket.
@Suite(.serialized) struct RequestErrorAgreementTests {
    /// What the client makes of an answer: the name it reads, and what its policy does with it.
    struct ClientReading: Equatable {
        var name: String?
        var retry: RetryClass
        var stopsLane: Bool
    }

    /// The client's reading of an error answer (`x-amzn-ErrorType` as sent, the body's bytes).
    static func clientReading(status: Int, errorType: String?, body: [UInt8]) -> (ClientReading, message: String) {
        let answer = ServiceErrorAnswer.parse(status: status, errorTypeHeader: errorType, body: body)
        let failure = AttemptFailure.http(status: status, code: answer.code)
        let reading = ClientReading(
            name: answer.code, retry: RetryPolicy.classify(failure),
            stopsLane: RetryPolicy(maxAttempts: 5).stopsLane(failure, attempt: 1) == .credentialsRefused)
        return (reading, answer.message)
    }

    /// What the table says the client makes of `row`.
    static func expected(_ row: RequestError) -> ClientReading {
        ClientReading(name: row.name, retry: row.retry, stopsLane: row.stopsLane)
    }

    // MARK: In process, every row with a status

    @Test(arguments: RequestError.all.filter { $0.status != nil })
    func serveAnswersEachRowAsTheClientReadsIt(row: RequestError) {
        let answer = SecurityHubEndpoint.errorAnswer(.answer(row))
        #expect(answer.status == row.status)
        #expect(answer.name == row.name)
        let (reading, message) = Self.clientReading(status: answer.status, errorType: answer.name, body: answer.body)
        #expect(reading == Self.expected(row))
        #expect(message == row.message)
        // Without the header, from the body's `Code` alone, as botocore falls back.
        #expect(Self.clientReading(status: answer.status, errorType: nil, body: answer.body).0 == Self.expected(row))
    }

    @Test func anErrorThatIsNoAnswerIsAnsweredAsAnInternalError() {
        let answer = SecurityHubEndpoint.errorAnswer(ServerError(.config, "not an answer"))
        #expect(answer.status == 500 && answer.name == "InternalException")
        #expect(Self.clientReading(status: 500, errorType: answer.name, body: answer.body).0.retry == .transient)
    }

    // MARK: Over a socket, every row serve answers

    /// The rows only a client recognises: Security Hub answers other names (aws-wire.md §4, §5.3),
    /// and so does `triage serve`.
    static let clientOnly: [RequestError] = [.limitExceeded, .invalidClientTokenId, .signatureDoesNotMatch]

    /// A server with a key for each refusal: `AKIDOK` (its policy denies every BatchUpdateFindings),
    /// `AKIDEXPIRED` (a session token past its expiry), `AKIDNOSUB` (an account not subscribed), and
    /// a BatchImportFindings quota of one request.
    static let config = """
        {"accounts": {"111111111111": {}},
         "credentials": [
           {"accessKeyId": "AKIDOK", "secretAccessKey": "ok-secret", "account": "111111111111",
            "policies": [{"Version": "2012-10-17", "Statement": [
              {"Effect": "Deny", "Action": "securityhub:BatchUpdateFindings", "Resource": "*"}]}]},
           {"accessKeyId": "AKIDEXPIRED", "secretAccessKey": "expired-secret", "account": "111111111111",
            "sessionToken": "expired-token", "expiresAt": "2001-01-01T00:00:00Z"},
           {"accessKeyId": "AKIDNOSUB", "secretAccessKey": "nosub-secret", "account": "999999999999"}],
         "quotas": {"BatchImportFindings": {"rate": 0.001, "burst": 1}}}
        """

    @Test func everyRowServeAnswersIsReadBackAsItself() throws {
        let server = try ServeProcess(config: Self.config)
        defer { server.stop() }
        let port = server.port
        let http = RawHTTP(port: port)
        func signed(
            _ method: String, _ path: String, _ body: String, key: String = "AKIDOK", secret: String = "ok-secret",
            token: String? = nil, date: SigningDate? = nil
        ) -> [UInt8] {
            let now = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
            return HTTPRequestBytes.signed(
                method: method, path: path, port: port, body: Array(body.utf8), accessKeyId: key, secret: secret,
                sessionToken: token, date: date ?? now)
        }
        let update = """
            {"FindingIdentifiers": [{"Id": "a", "ProductArn": \
            "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"}], "Workflow": {"Status": "NEW"}}
            """
        let hourAgo = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970) - 3_600)
        // The first import passes the quota (and fails on its body); the second finds it empty.
        let requests: [(RequestError, [UInt8])] = [
            (.invalidInput, signed("POST", "/findings/import", "{}")),
            (.tooManyRequests, signed("POST", "/findings/import", "{}")),
            (
                .requestTooLarge,
                HTTPRequestBytes.request(
                    method: "POST", path: "/findings", port: port, headers: [("Content-Length", "7340032")])
            ),
            (.unknownOperation, HTTPRequestBytes.request(method: "GET", path: "/", port: port)),
            (.missingAuthenticationToken, HTTPRequestBytes.request(method: "POST", path: "/findings", port: port)),
            (
                .incompleteSignature,
                HTTPRequestBytes.request(
                    method: "POST", path: "/findings", port: port,
                    headers: [
                        ("X-Amz-Date", "20260102T030405Z"),
                        (
                            "Authorization",
                            "AWS4-HMAC-SHA256 Credential=AKIDOK/20260102/us-east-1/securityhub/aws4_request"
                        ),
                    ])
            ),
            (.unrecognizedClient, signed("POST", "/findings", "{}", key: "AKIDNOBODY")),
            (.invalidSignature, signed("POST", "/findings", "{}", secret: "wrong-secret")),
            (.signatureOutOfDate, signed("POST", "/findings", "{}", date: hourAgo)),
            (
                .expiredToken,
                signed("POST", "/findings", "{}", key: "AKIDEXPIRED", secret: "expired-secret", token: "expired-token")
            ),
            (.invalidAccess, signed("POST", "/findings", "{}", key: "AKIDNOSUB", secret: "nosub-secret")),
            (.accessDenied, signed("PATCH", "/findings/batchupdate", update)),
            (
                .resourceNotFound,
                signed(
                    "GET",
                    "/findingAggregator/get/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A111111111111%3Afinding-aggregator/"
                        + "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111", "")
            ),
        ]
        var answered: [RequestError] = []
        for (row, bytes) in requests {
            let answer = try #require(try http.exchange(bytes), "no answer for \(row)")
            Self.expectReadBack(answer, as: row)
            answered.append(row)
        }

        let faulty = try ServeProcess(config: ServeProcess.syntheticConfig(faults: #"{"internalErrorRate": 1}"#))
        defer { faulty.stop() }
        let internalError = try #require(
            try RawHTTP(port: faulty.port).exchange(
                HTTPRequestBytes.signed(method: "POST", path: "/findings", port: faulty.port, body: Array("{}".utf8))))
        Self.expectReadBack(internalError, as: .internalError)
        answered.append(.internalError)

        let served = RequestError.all.filter { $0.status != nil && !Self.clientOnly.contains($0) }
        #expect(Set(answered) == Set(served), "every row serve answers is provoked once")
    }

    /// The answer has `row`'s status and name (header and body), and the client reads it as `row`.
    static func expectReadBack(
        _ answer: HTTPAnswer, as row: RequestError, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(answer.status == row.status, "\(row): \(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.errorType == row.name, "\(row)", sourceLocation: sourceLocation)
        #expect(answer.json["Code"] as? String == row.name, "\(row)", sourceLocation: sourceLocation)
        let (reading, message) = clientReading(status: answer.status, errorType: answer.errorType, body: answer.body)
        #expect(reading == expected(row), "\(row)", sourceLocation: sourceLocation)
        #expect(!message.isEmpty && message == answer.json["Message"] as? String, sourceLocation: sourceLocation)
    }
}
