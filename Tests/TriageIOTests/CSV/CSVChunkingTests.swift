import Foundation
import Testing
import TriageIO

/// The same bytes split at chunk sizes 1, 2, 7, 4096 and a seeded random chunking give the same events
/// as one chunk; random inputs agree with `CSVOracle`.
@Suite struct CSVChunkingTests {
    static let corpus =
        CSVFeed.files("csv/csv-spectrum/csvs") + CSVFeed.files("csv/apache-commons-csv/CSVFileParser")
        + CSVFeed.files("csv/apache-commons-csv/CSV-196")

    @Test func corpusIsPresent() {
        #expect(Self.corpus.count == 12 + 4 + 2)
    }

    @Test(arguments: corpus)
    func corpusFileIsChunkIndependent(path: String) throws {
        let bytes = try CSVFeed.bytes(path)
        let whole = CSVFeed.exact(CSVFeed.events(bytes))
        #expect(!whole.isEmpty)
        for chunking in CSVFeed.chunkings {
            #expect(CSVFeed.exact(CSVFeed.events(bytes, sizes: chunking.sizes)) == whole, "chunks of \(chunking.name)")
        }
    }

    /// Inputs that reach every state at a chunk boundary: CR pending, quote pending, BOM prefixes,
    /// malformed records, over-long records (limit 8 bytes).
    static let edgeInputs: [String] = [
        "a,\"x\ny\"\nb,c\n", "a,b\r\nc,d\r\n", "a,b\nc,d", "", "a\rb,c\r", "\"x\"\ry\nz\n", "a,\"\"\"\",\"\"\"x\"\n",
        "\"a\" ,b\n\"c\"\t\r\nd", "\"a\"x,\"b\nc\"\nd\n", "\u{FEFF}a,b\n", "\u{FEFF}", "x\u{FEFF}\n", "a,\"bc\nd",
        "123456789\nab\n", "\"1234567\"\n\"12345678\"\n", "a\0b,c\n", "\n\n\r\n", "a,", ",", "\"\"", "\"a\"\r",
    ]

    @Test(arguments: edgeInputs)
    func edgeInputIsChunkIndependent(text: String) {
        let whole = CSVFeed.exact(CSVFeed.events(text, maxRecordBytes: 8))
        #expect(whole == CSVFeed.exact(CSVOracle.events(Array(text.utf8), maxRecordBytes: 8)))
        for chunking in CSVFeed.chunkings {
            #expect(CSVFeed.exact(CSVFeed.events(text, sizes: chunking.sizes, maxRecordBytes: 8)) == whole)
        }
    }

    /// 3,000 random inputs over an alphabet of the special bytes, multi-byte and invalid UTF-8, NUL and
    /// BOM pieces, each in one chunk and in random chunks, against the oracle.
    @Test func randomInputsMatchTheOracle() {
        let alphabet: [[UInt8]] = [
            [0x61], [0x62], [0x22], [0x22], [0x2C], [0x2C], [0x0D], [0x0A], [0x0A], [0x20], [0x09], [0x00],
            [0xC3, 0xA9], [0xC3], [0xA9], [0xFF], [0xEF, 0xBB, 0xBF], [0xF0, 0x9F, 0x98, 0x84], [0x0D, 0x0A],
        ]
        var generator = CSVFeed.SeededGenerator(seed: 42)
        var failures = 0
        for round in 0..<3000 {
            var input: [UInt8] = []
            if round % 7 == 0 { input += [0xEF, 0xBB, 0xBF].prefix(Int.random(in: 1...3, using: &generator)) }
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                input += alphabet.randomElement(using: &generator)!
            }
            let limit = Int.random(in: 4...24, using: &generator)
            let expected = CSVFeed.exact(CSVOracle.events(input, maxRecordBytes: limit))
            let sizes = CSVFeed.randomSizes(seed: UInt64(round), count: 50).map { $0 % 9 + 1 }
            let whole = CSVFeed.exact(CSVFeed.events(input, maxRecordBytes: limit))
            let split = CSVFeed.exact(CSVFeed.events(input, sizes: sizes, maxRecordBytes: limit))
            if whole != expected || split != expected {
                failures += 1
                if failures <= 3 {
                    Issue.record(
                        "input \(input), limit \(limit): oracle \(expected), one chunk \(whole), split \(split)")
                }
            }
        }
        #expect(failures == 0)
    }
}
