import Testing
import TriageCore

/// ``CoreError``: each code's wording as users read it (the wording of the six error types it
/// replaced, byte for byte), the information callers branch on, and equality.
@Suite struct CoreErrorTests {
    @Test func aJSONErrorNamesItsByteOneBased() {
        let error = CoreError.invalidJSON(offset: 6, reason: "unterminated string")
        #expect(error.description == "byte 7: unterminated string")
        #expect(error.message == error.description)
        #expect(error.code == .invalidJSON(offset: 6, reason: "unterminated string"))
        #expect(error.jsonOffset == 6)
        #expect(error.jsonReason == "unterminated string")
        #expect(CoreError.invalidQuery("x").jsonOffset == nil)
        #expect(CoreError.invalidQuery("x").jsonReason == nil)
    }

    @Test func aJSONErrorShiftsIntoTheTextAroundIt() {
        let shifted = CoreError.invalidJSON(offset: 2, reason: "invalid UTF-8").shifted(by: 100)
        #expect(shifted == CoreError.invalidJSON(offset: 102, reason: "invalid UTF-8"))
        #expect(shifted.message == "byte 103: invalid UTF-8")
        let other = CoreError.unroutable("no Region")
        #expect(other.shifted(by: 100) == other)
    }

    @Test func theParserThrowsTheByteOfTheProblem() {
        #expect(throws: CoreError.invalidJSON(offset: 7, reason: "unexpected character '}' (expected a string key)")) {
            try JSONParser.parse(Array(#"{"a":1,}"#.utf8))
        }
    }

    @Test func endpointErrorsQuoteTheSetting() {
        #expect(
            CoreError.invalidRegion("EU-WEST-1").description
                == #"invalid Region "EU-WEST-1": expected lower-case letters, digits and hyphens"#)
        #expect(
            CoreError.invalidEndpointURL(source: "--endpoint-url", url: "ftp://x").description
                == #"invalid endpoint URL "ftp://x" from --endpoint-url: expected http(s)://host[:port][/path]"#)
        #expect(CoreError.invalidRegion("a").code == .invalidRegion("a"))
        #expect(
            CoreError.invalidEndpointURL(source: "s", url: "u").code == .invalidEndpointURL(source: "s", url: "u"))
    }

    @Test func theOtherCodesSayTheirMessage() {
        let refused = CoreError.findingRefused(id: "f-1", code: .findingSizeExceeded, message: "too large")
        #expect(refused.code == .findingRefused(id: "f-1", .findingSizeExceeded))
        #expect(refused.description == "too large")
        #expect(
            CoreError.invalidQuery("MaxResults: 500 is outside 1..100").description
                == "MaxResults: 500 is outside 1..100")
        #expect(CoreError.unroutable("no Region").code == .unroutable)
        #expect(CoreError.targetUnavailable("no findings store at x").code == .targetUnavailable)
        #expect(CoreError.targetUnavailable("no findings store at x").description == "no findings store at x")
    }

    @Test func theUnderlyingErrorIsKeptButNotCompared() {
        let cause = CoreError.invalidJSON(offset: 0, reason: "unexpected end of input")
        let error = CoreError.targetUnavailable("securityhub: x", underlying: cause)
        #expect((error.underlying as? CoreError) == cause)
        #expect(error == CoreError.targetUnavailable("securityhub: x"))
        #expect(error != CoreError.unroutable("securityhub: x"))
        #expect(error != CoreError.targetUnavailable("securityhub: y"))
    }
}
