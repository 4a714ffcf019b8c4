import Testing
import TriageCore

@testable import TriageIO

/// Invalid UTF-8 anywhere in an NDJSON line (top-level keys included) makes the line
/// `MalformedRecord` with the offset of the first bad byte, whether the line would take the
/// scanning fast path or the full parser.
@Suite struct InvalidUTF8KeyTests {
    /// `line` with `bad` put where `@` stands; the expected verdict names the 1-based offset of `@`.
    static func check(_ line: String, _ bad: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    {
        let marker = Array(line.utf8).firstIndex(of: UInt8(ascii: "@"))!
        var bytes = Array(line.utf8)
        bytes.replaceSubrange(marker...marker, with: bad)
        bytes.append(0x0A)
        let decoded = try decodeBytes(bytes)
        #expect(
            verdicts(decoded) == ["malformed 1 invalid JSON: byte \(marker + 1): invalid UTF-8"],
            sourceLocation: sourceLocation)
    }

    /// Decodes raw NDJSON bytes (not necessarily UTF-8) with one shared line decoder.
    static func decodeBytes(_ bytes: [UInt8]) throws -> [DecodedRecord] {
        var decoder = DecisionDecoder(format: .ndjson)
        var records: [DecodedRecord] = []
        var lines: [LineSpan] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(LineSpan(start: start, end: index, number: lines.count + 1))
            start = index + 1
        }
        try decoder.decode(.lines(LineBlock(bytes: bytes, lines: lines))) { records.append($0) }
        try decoder.finish { records.append($0) }
        return records
    }

    static let sequences: [[UInt8]] = [
        [0xFF], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80],
    ]

    /// Plain records: the scanning path reads these.
    @Test(arguments: sequences)
    func topLevelKeysOfPlainRecords(bad: [UInt8]) throws {
        try Self.check(#"{"Id":"a","ProductArn":"p","Conf@idence":5}"#, bad)
        try Self.check(#"{"I@d":"a","ProductArn":"p","Workflow":{"Status":"NEW"}}"#, bad)
        try Self.check(#"{"Id":"a","Product@Arn":"p","Workflow":{"Status":"NEW"}}"#, bad)
        try Self.check(#"{"@":"a","Id":"a","ProductArn":"p","Confidence":5}"#, bad)
    }

    /// Whole-request lines and escaped keys: the full parser reads these.
    @Test(arguments: sequences)
    func topLevelKeysOfLinesForTheFullParser(bad: [UInt8]) throws {
        try Self.check(#"{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Conf@idence":5}"#, bad)
        try Self.check(#"{"Id":"a","ProductArn":"p","Note\u0020":1,"X@":5}"#, bad)
    }

    /// Nested keys and values were already malformed; they stay so, with the same offsets.
    @Test(arguments: sequences)
    func nestedKeysAndValues(bad: [UInt8]) throws {
        try Self.check(#"{"Id":"a","ProductArn":"p","Workflow":{"Sta@tus":"NEW"}}"#, bad)
        try Self.check(#"{"Id":"a@","ProductArn":"p","Confidence":5}"#, bad)
        try Self.check(#"{"Id":"a","ProductArn":"p","UserDefinedFields":{"k":"v@"}}"#, bad)
    }

    /// A bad key after a good record with the same update: the cache of verdicts does not hide it.
    @Test func aCachedUpdateDoesNotHideABadKey() throws {
        var bytes = Array(#"{"Id":"a","ProductArn":"p","Confidence":5}"#.utf8) + [0x0A]
        bytes +=
            Array(#"{"Id":"a","ProductArn":"p","Confidence":5,"#.utf8) + [0x22, 0xFF, 0x22] + Array(":1}".utf8) + [0x0A]
        #expect(
            try verdicts(Self.decodeBytes(bytes)) == ["valid 1 a", "malformed 2 invalid JSON: byte 44: invalid UTF-8"])
    }

    /// Keys that are valid UTF-8 but not ASCII are unknown members, not malformed.
    @Test func validNonASCIIKeysAreUnknownMembers() throws {
        let records = try decodeAll(#"{"Id":"a","ProductArn":"p","Confidénce":5}"#, format: .ndjson)
        let result = verdicts(records)
        #expect(result.count == 1)
        #expect(result[0].hasPrefix("invalid 1 Confidénce: is not a member of a decision record"), "\(result)")
    }
}
