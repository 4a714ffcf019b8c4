import Foundation
import Testing
import TriageSigV4
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The real `triage serve` over a socket: routing, the 6 MB limit, and every whole-request error
/// of `serve.md`'s table that the verifier decides, with the wire format botocore reads.
@Suite(.serialized) struct ServeRouteTests {
    let server: ServeProcess
    let http: RawHTTP

    init() throws {
        server = try ServeProcess()
        http = RawHTTP(port: server.port)
    }

    private func expectError(
        _ answer: RawHTTP.Answer?, status: Int, name: String, message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let answer else {
            Issue.record("no answer", sourceLocation: sourceLocation)
            return
        }
        #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.errorType == name, sourceLocation: sourceLocation)
        #expect(answer.json["Code"] as? String == name, sourceLocation: sourceLocation)
        #expect(answer.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
        #expect(answer.headers["date"] != nil, sourceLocation: sourceLocation)
        #expect(UUID(uuidString: answer.headers["x-amzn-requestid"] ?? "") != nil, sourceLocation: sourceLocation)
        if let message {
            let text = answer.json["Message"] as? String ?? ""
            #expect(text.contains(message), "\(text)", sourceLocation: sourceLocation)
        }
    }

    @Test func anotherPathOrMethodIsAnUnknownOperation() throws {
        for (method, path) in [("GET", "/findings"), ("POST", "/insights"), ("PATCH", "/findings"), ("GET", "/")] {
            let answer = try http.exchange(HTTPRequestBytes.request(method: method, path: path, port: http.port))
            expectError(answer, status: 404, name: "UnknownOperationException")
        }
    }

    @Test func aBodyOverSixMegabytesIsRefusedBeforeItIsReadOrAuthenticated() throws {
        let declared = try http.exchange(
            HTTPRequestBytes.request(
                method: "POST", path: "/findings/import", port: http.port,
                headers: [("Content-Length", String(6 * 1024 * 1024 + 1))]))
        expectError(declared, status: 413, name: "InvalidInputException", message: "6 MB")
        let chunk = [UInt8](repeating: 0x20, count: 1024 * 1024)
        var chunked: [UInt8] = []
        for _ in 0..<7 { chunked += Array("100000\r\n".utf8) + chunk + Array("\r\n".utf8) }
        chunked += Array("0\r\n\r\n".utf8)
        let streamed = try http.exchange(
            HTTPRequestBytes.request(
                method: "POST", path: "/findings/import", port: http.port,
                headers: [("Transfer-Encoding", "chunked")],
                body: chunked))
        expectError(streamed, status: 413, name: "InvalidInputException")
    }

    @Test(arguments: [
        "9223372036854775807", "9223372036854775808", "12345678901234567890", "18446744073709551615",
        "0000000000000000000000006291457",
    ])
    func aDeclaredLengthOverTheLimitIsRefusedHoweverLargeItIs(_ length: String) throws {
        // 2^63 - 1; 2^63 ... 2^64 - 1, too large for Int; 6 MB + 1 behind leading zeros. No body is sent: a
        // server waiting for it fails the test at the read's deadline.
        let answer = try http.exchange(
            HTTPRequestBytes.request(
                method: "POST", path: "/findings/import", port: http.port, headers: [("Content-Length", length)]),
            timeout: 10)
        expectError(answer, status: 413, name: "InvalidInputException", message: "6 MB")
    }

    @Test(arguments: ["18446744073709551616", "99999999999999999999999999999999"])
    func aDeclaredLengthPastTwoToTheSixtyFourIsABadRequest(_ length: String) throws {
        // Not a length HTTP can carry: the HTTP parser refuses the request at once, 400 with no body.
        let answer = try #require(
            try http.exchange(
                HTTPRequestBytes.request(
                    method: "POST", path: "/findings/import", port: http.port, headers: [("Content-Length", length)]),
                timeout: 10))
        #expect(answer.status == 400)
    }

    @Test func noAuthorizationIsAMissingAuthenticationToken() throws {
        let answer = try http.exchange(
            HTTPRequestBytes.request(method: "POST", path: "/findings", port: http.port, body: Array("{}".utf8)))
        expectError(answer, status: 403, name: "MissingAuthenticationTokenException")
    }

    @Test func anIncompleteAuthorizationIsAnIncompleteSignature() throws {
        let date = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
        let cases: [[(String, String)]] = [
            [
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=test/\(date.scopeDate)/us-east-1/securityhub/aws4_request"
                ),
                ("X-Amz-Date", date.amzDate),
            ],
            [
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=test/\(date.scopeDate)/us-east-1/securityhub/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=00"
                )
            ],
        ]
        for headers in cases {
            let answer = try http.exchange(
                HTTPRequestBytes.request(method: "POST", path: "/findings", port: http.port, headers: headers))
            expectError(answer, status: 400, name: "IncompleteSignatureException")
        }
    }

    @Test func anUnknownKeyAWrongSecretAndClockSkewAreRefused() throws {
        let body = Array("{}".utf8)
        expectError(
            try http.exchange(
                HTTPRequestBytes.signed(
                    method: "POST", path: "/findings", port: http.port, body: body, accessKeyId: "nobody")),
            status: 403, name: "UnrecognizedClientException",
            message: "security token included in the request is invalid")
        expectError(
            try http.exchange(
                HTTPRequestBytes.signed(method: "POST", path: "/findings", port: http.port, body: body, secret: "wrong")
            ),
            status: 403, name: "InvalidSignatureException", message: "does not match")
        let now = Int64(Date().timeIntervalSince1970)
        expectError(
            try http.exchange(
                HTTPRequestBytes.signed(
                    method: "POST", path: "/findings", port: http.port, body: body,
                    date: SigningDate(secondsSince1970: now - 360))),
            status: 400, name: "InvalidSignatureException", message: "Signature expired")
        expectError(
            try http.exchange(
                HTTPRequestBytes.signed(
                    method: "POST", path: "/findings", port: http.port, body: body,
                    date: SigningDate(secondsSince1970: now + 360))),
            status: 400, name: "InvalidSignatureException", message: "Signature not yet current")
        // A body changed after signing.
        var tampered = HTTPRequestBytes.signed(
            method: "POST", path: "/findings", port: http.port, body: Array(#"{"MaxResults":1}"#.utf8))
        tampered[tampered.count - 2] = UInt8(ascii: "2")
        expectError(try http.exchange(tampered), status: 403, name: "InvalidSignatureException")
    }

    @Test func aBodyThatIsNotJSONIsInvalidInput() throws {
        for body in ["{", "[]", "{\"MaxResults\": 1,}", "\u{FEFF}{}"] {
            let answer = try http.exchange(
                HTTPRequestBytes.signed(method: "POST", path: "/findings", port: http.port, body: Array(body.utf8)))
            expectError(answer, status: 400, name: "InvalidInputException")
        }
        let unknown = try http.exchange(
            HTTPRequestBytes.signed(
                method: "PATCH", path: "/findings/batchupdate", port: http.port,
                body: Array(#"{"FindingIdentifiers":[{"Id":"a","ProductArn":"b"}],"Workflw":{"Status":"NEW"}}"#.utf8)))
        expectError(unknown, status: 400, name: "InvalidInputException", message: "did you mean Workflow?")
    }

    @Test func anImportBodyOtherThanOneToAHundredFindingsIsInvalidInput() throws {
        let cases = [
            (#"{"Findings": {}}"#, "Findings: must be a list of findings, not object"),
            (#"{"Findings": []}"#, "Findings: has 0 entries; a request takes 1 to 100"),
            (#"{"Findings": [\#(Array(repeating: "{}", count: 101).joined(separator: ","))]}"#, "has 101 entries"),
            (#"{"Findingz": []}"#, "did you mean Findings?"), (#"{"Findings": [], "Findings": []}"#, "is given twice"),
            ("[]", "must be a JSON object (BatchImportFindingsRequest), not array"),
            (#"{"Findings": [1,]}"#, "not valid JSON"),
            ("", "Findings: is required"),
        ]
        for (body, message) in cases {
            let answer = try http.exchange(
                HTTPRequestBytes.signed(
                    method: "POST", path: "/findings/import", port: http.port, body: Array(body.utf8)))
            expectError(answer, status: 400, name: "InvalidInputException", message: message)
        }
    }

    @Test func aGoodRequestIsAnsweredAndLoggedWithItsRequestId() throws {
        let answer = try #require(
            try http.exchange(
                HTTPRequestBytes.signed(method: "POST", path: "/findings", port: http.port, body: Array("{}".utf8))))
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["Findings"] as? [Any] != nil)
        let requestId = try #require(answer.headers["x-amzn-requestid"])
        #expect(UUID(uuidString: requestId) != nil)
        #expect(answer.errorType == nil)
        // serve writes the line once the answer is on its way: it may follow the answer's arrival.
        _ = ProcessProbe.waitUntil { server.log.contains(requestId) }
        let line = try #require(server.log.split(separator: "\n").first { $0.contains(requestId) })
        #expect(line.contains(" 000000000000 us-east-1 GetFindings 200 in=0 out=0 "), "\(line)")
    }
}
