import Foundation
import Testing
import TriageCore
import TriageTestSupport

/// Every case of JSONTestSuite (`Tests/Fixtures/ThirdParty/json/test_parsing`): `y_` accepted, `n_`
/// rejected, `i_` never crash, by both the tree parser and the skipping scanner.
@Suite struct JSONTestSuiteTests {
    static let directory = TestPaths.testData("json/test_parsing")
    static let cases: [String] = (try? FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()) ?? []

    static func bytes(_ name: String) -> [UInt8] {
        Array(try! Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    @Test func corpusIsThere() {
        #expect(Self.cases.count == 318)
        #expect(Self.cases.filter { $0.hasPrefix("y_") }.count > 90)
        #expect(Self.cases.filter { $0.hasPrefix("n_") }.count > 180)
    }

    @Test(arguments: cases)
    func verdict(name: String) {
        let input = Self.bytes(name)
        let parsed: Bool
        do {
            _ = try JSONParser.parse(input)
            parsed = true
        } catch {
            parsed = false
        }
        let scanned: Bool = input.withUnsafeBytes { buffer in
            guard let end = try? JSONParser.valueEnd(in: buffer, from: 0) else { return false }
            return buffer[end...].allSatisfy(Self.isWhitespace)
        }
        if name.hasPrefix("y_") {
            #expect(parsed, "\(name) must be accepted")
            #expect(scanned, "\(name) must be accepted by valueEnd")
        } else if name.hasPrefix("n_") {
            #expect(!parsed, "\(name) must be rejected")
            #expect(!scanned, "\(name) must be rejected by valueEnd")
        }
        // i_: reaching this line without a crash is the test.
    }
}

@Suite struct JSONValueTests {
    @Test func numbersKeepTheirLiteral() throws {
        let value = try JSONParser.parse(
            Array(#"[0,-0,100,9223372036854775807,9223372036854775808,1.0,1e2,1e400,50.5]"#.utf8))
        guard case .array(let elements) = value else { Issue.record("not an array"); return }
        let numbers = elements.map { element -> JSONNumber in
            if case .number(let number) = element { return number }
            fatalError()
        }
        #expect(
            numbers.map(\.literal) == [
                "0", "-0", "100", "9223372036854775807", "9223372036854775808", "1.0", "1e2", "1e400", "50.5",
            ])
        #expect(numbers.map(\.intValue) == [0, 0, 100, Int.max, nil, nil, nil, nil, nil])
        #expect(numbers.map(\.isIntegerLiteral) == [true, true, true, true, true, false, false, false, false])
        #expect(numbers[7].doubleValue == .infinity)
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(Array(#"{"a":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00é語😀"}"#.utf8))
        #expect(value == .object([JSONMember(key: "a", value: .string("\"\\/\u{8}\u{c}\n\r\té😀é語😀"))]))
    }

    @Test(
        arguments: [
            [0x22, 0xC0, 0xAF, 0x22],  // overlong
            [0x22, 0x80, 0x22],  // lone continuation
            [0x22, 0xE8, 0xAA],  // truncated at the end
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            Array(#""\ud800""#.utf8),  // lone surrogate escape
            [0x22, 0x01, 0x22],  // control character
        ] as [[UInt8]])
    func invalidStringsAreRejected(bytes: [UInt8]) {
        #expect(throws: CoreError.self) { try JSONParser.parse(bytes) }
    }

    @Test func errorOffsetsPointAtTheProblem() {
        do {
            _ = try JSONParser.parse(Array(#"{"a": tru}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect((6...9).contains(error.jsonOffset ?? -1), "\(error)")
        }
        do {
            _ = try JSONParser.parse(Array(#"{"a":1,}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.jsonOffset == 7, "\(error)")
        }
    }

    @Test func deepNestingIsRejectedWithoutCrashing() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: CoreError.self) { try JSONParser.parse(deep) }
    }

    @Test func largeStringParses() throws {
        let text = String(repeating: "abcdéfgh", count: 256 * 1024)
        let value = try JSONParser.parse(Array("\"\(text)\"".utf8))
        #expect(value == .string(text))
    }
}
