import Foundation
import Testing

@testable import TriageIO

/// Edge cases of `CSVTokenizer`, each also checked at every chunking.
@Suite struct CSVTokenizerTests {
    /// The events for `text`, after checking that every chunking gives the same ones.
    func events(_ text: String, maxRecordBytes: Int = 1 << 20) -> [CSVEvent] {
        let whole = CSVFeed.events(text, maxRecordBytes: maxRecordBytes)
        for chunking in CSVFeed.chunkings {
            let split = CSVFeed.events(text, sizes: chunking.sizes, maxRecordBytes: maxRecordBytes)
            #expect(CSVFeed.exact(split) == CSVFeed.exact(whole), "chunks of \(chunking.name)")
        }
        return whole
    }

    @Test func quotedNewlineSpansLines() {
        #expect(
            events("h1,h2\na,\"x\ny\nz\"\nb,c\n") == [
                .record(fields: ["h1", "h2"], line: 1), .record(fields: ["a", "x\ny\nz"], line: 2),
                .record(fields: ["b", "c"], line: 5),
            ])
    }

    @Test func crlfEndsRecordsAndStaysInsideQuotes() {
        #expect(
            events("a,b\r\n\"c\r\nd\",e\r\nf\r\n") == [
                .record(fields: ["a", "b"], line: 1), .record(fields: ["c\r\nd", "e"], line: 2),
                .record(fields: ["f"], line: 4),
            ])
    }

    @Test func finalRecordWithoutLineEndCounts() {
        #expect(events("a,b\nc,d") == [.record(fields: ["a", "b"], line: 1), .record(fields: ["c", "d"], line: 2)])
        #expect(events("a,") == [.record(fields: ["a", ""], line: 1)])
        #expect(events("\"q\"") == [.record(fields: ["q"], line: 1)])
    }

    @Test func emptyInputHasNoRecords() {
        #expect(events("").isEmpty)
        #expect(events("\u{FEFF}").isEmpty)
    }

    @Test func emptyLinesAreOneEmptyField() {
        #expect(
            events("\n\r\na\n,\n") == [
                .record(fields: [""], line: 1), .record(fields: [""], line: 2), .record(fields: ["a"], line: 3),
                .record(fields: ["", ""], line: 4),
            ])
    }

    /// A lone CR (not before LF) is data in its field, also at the very end of the input.
    @Test func loneCarriageReturnIsData() {
        #expect(
            events("a\rb,\rc\nd\r") == [.record(fields: ["a\rb", "\rc"], line: 1), .record(fields: ["d\r"], line: 2)])
    }

    @Test func quotesAreUndoneAndKeptLiterallyInUnquotedFields() {
        #expect(
            events("\"a,b\",\"say \"\"hi\"\"\",\"\"\"\",\"\",x\"y\" z, \"q\" \n") == [
                .record(fields: ["a,b", "say \"hi\"", "\"", "", "x\"y\" z", " \"q\" "], line: 1)
            ])
    }

    @Test func bomOnlyAtTheVeryStart() {
        #expect(
            events("\u{FEFF}id\n\u{FEFF}x\n") == [
                .record(fields: ["id"], line: 1), .record(fields: ["\u{FEFF}x"], line: 2),
            ])
        // A BOM prefix that turns out not to be one is data (here: invalid UTF-8).
        #expect(
            CSVFeed.events([0xEF, 0xBB, 0x41, 0x0A, 0x62], sizes: [1]) == [
                .malformed(line: 1, reason: "invalid UTF-8 in field 1"), .record(fields: ["b"], line: 2),
            ])
    }

    @Test func nulBytesAreData() {
        #expect(events("a\0b,\"\0\"\n") == [.record(fields: ["a\0b", "\0"], line: 1)])
    }

    @Test(
        arguments: [
            ([0x61, 0x2C, 0xFF], 2), ([0xC0, 0x80], 1), ([0x2C, 0x2C, 0xED, 0xA0, 0x80], 3),
            ([0xF4, 0x90, 0x80, 0x80], 1),
            ([0x22, 0xE2, 0x82, 0x22], 1), ([0xE2, 0x82, 0x2C, 0xAC], 1),
        ] as [([UInt8], Int)])
    func invalidUTF8IsMalformedWithFieldNumber(bytes: [UInt8], field: Int) {
        let input = bytes + Array("\nok,\"é😄\"\n".utf8)
        for sizes in [nil] + CSVFeed.chunkings.map(\.sizes) {
            #expect(
                CSVFeed.events(input, sizes: sizes) == [
                    .malformed(line: 1, reason: "invalid UTF-8 in field \(field)"),
                    .record(fields: ["ok", "é😄"], line: 2),
                ])
        }
    }

    @Test func garbageAfterClosingQuoteIsMalformedUntilTheRecordEnds() {
        #expect(
            events("\"a\"x,\"b\nc\"\nd\n") == [
                .malformed(line: 1, reason: "unexpected character 'x' after closing quote in field 1"),
                .record(fields: ["d"], line: 3),
            ])
        #expect(
            events("a,\"b\"\rc\nd\n") == [
                .malformed(line: 1, reason: "unexpected byte 0x0D after closing quote in field 2"),
                .record(fields: ["d"], line: 2),
            ])
        // Spaces and tabs after a closing quote are skipped, as Apache Commons CSV does.
        #expect(events("\"a\" \t,\"b\" \r\n") == [.record(fields: ["a", "b"], line: 1)])
    }

    @Test func unterminatedQuoteAtTheEndIsMalformed() {
        #expect(
            events("a,b\nc,\"d\ne,f\n") == [
                .record(fields: ["a", "b"], line: 1), .malformed(line: 2, reason: "unterminated quoted field"),
            ])
    }

    /// A 2 MiB record (unquoted or quoted, one field or many) is malformed; the next record is fine.
    @Test(arguments: [false, true])
    func twoMebibyteRecordIsSkipped(quoted: Bool) {
        let big = String(repeating: "0123456,", count: 262_144)
        let record = quoted ? "\"" + big + "\nstill quoted\"" : big
        let input = Array(("id\n" + record + "\nnext,1\r\n").utf8)
        let expected: [CSVEvent] = [
            .record(fields: ["id"], line: 1), .malformed(line: 2, reason: "record longer than 1048576 bytes"),
            .record(fields: ["next", "1"], line: quoted ? 4 : 3),
        ]
        for sizes in [nil, [65_536], [4096], [7], CSVFeed.randomSizes(seed: 7, count: 1000)] {
            #expect(CSVFeed.events(input, sizes: sizes) == expected)
        }
    }

    /// While a too-long record is skipped nothing of it is buffered.
    @Test func tooLongRecordIsNotBuffered() {
        var tokenizer = CSVTokenizer(maxRecordBytes: 1000)
        var events: [CSVEvent] = []
        let chunk = [UInt8](repeating: 0x61, count: 300)
        chunk.withUnsafeBytes { bytes in
            for _ in 0..<100 {
                tokenizer.feed(bytes) { events.append($0) }
                #expect(tokenizer.buffer.count <= 1000)
                #expect(tokenizer.fields.isEmpty)
            }
        }
        Array("\nb".utf8).withUnsafeBytes { tokenizer.feed($0) { events.append($0) } }
        tokenizer.finish { events.append($0) }
        #expect(
            events == [.malformed(line: 1, reason: "record longer than 1000 bytes"), .record(fields: ["b"], line: 2)])
    }

    /// Both sides of the limit: bytes before the LF count, including a CR before it.
    @Test(arguments: [
        (8, "12345678\n", true), (8, "123456789\n", false), (8, "1234567\r\n", true),
        (8, "12345678\r\n", false), (8, "\"1,3456\"\n", true), (8, "\"1,34567\"\n", false),
    ])
    func recordLimitBoundary(limit: Int, text: String, accepted: Bool) {
        let result = events(text + "x\n", maxRecordBytes: limit)
        #expect(result.count == 2)
        if case .record = result[0] {
            #expect(accepted)
        } else {
            #expect(!accepted)
            #expect(result[0] == .malformed(line: 1, reason: "record longer than \(limit) bytes"))
        }
        #expect(result[1] == .record(fields: ["x"], line: 2))
    }

    @Test func finishResetsForTheNextInput() {
        var tokenizer = CSVTokenizer()
        var events: [CSVEvent] = []
        for text in ["\u{FEFF}a\nb", "\u{FEFF}c\n\"d"] {
            Array(text.utf8).withUnsafeBytes { tokenizer.feed($0) { events.append($0) } }
            tokenizer.finish { events.append($0) }
        }
        #expect(
            events == [
                .record(fields: ["a"], line: 1), .record(fields: ["b"], line: 2), .record(fields: ["c"], line: 1),
                .malformed(line: 2, reason: "unterminated quoted field"),
            ])
    }

    @Test func emittedFieldsStayIntactWhenKept() {
        let kept = CSVFeed.records(events("a,b\nc,d\ne,f\n"))
        #expect(kept == [["a", "b"], ["c", "d"], ["e", "f"]])
    }
}
