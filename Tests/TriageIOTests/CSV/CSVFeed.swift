import Foundation
import TriageIO

/// Drives a `CSVTokenizer` over whole inputs, in one chunk or split, for the tests.
enum CSVFeed {
    /// The chunkings every input is checked with: fixed sizes 1, 2, 7, 4096 and a seeded random one.
    static let chunkings: [(name: String, sizes: [Int])] = [
        ("1", [1]), ("2", [2]), ("7", [7]), ("4096", [4096]), ("random", randomSizes(seed: 0x5EED, count: 997)),
    ]

    /// The events for `bytes` fed in chunks of `sizes` (cycled), or in one chunk when `sizes` is nil.
    static func events(_ bytes: [UInt8], sizes: [Int]? = nil, maxRecordBytes: Int = 1 << 20) -> [CSVEvent] {
        var tokenizer = CSVTokenizer(maxRecordBytes: maxRecordBytes)
        var events: [CSVEvent] = []
        bytes.withUnsafeBytes { all in
            guard let sizes else {
                tokenizer.feed(all) { events.append($0) }
                return
            }
            var offset = 0
            var next = 0
            while offset < all.count {
                let end = min(offset + sizes[next % sizes.count], all.count)
                // Copy each chunk so that the tokenizer cannot rely on earlier chunks staying around.
                Array(all[offset..<end]).withUnsafeBytes { chunk in tokenizer.feed(chunk) { events.append($0) } }
                offset = end
                next += 1
            }
        }
        tokenizer.finish { events.append($0) }
        return events
    }

    /// The events for a string's UTF-8 bytes.
    static func events(_ text: String, sizes: [Int]? = nil, maxRecordBytes: Int = 1 << 20) -> [CSVEvent] {
        events(Array(text.utf8), sizes: sizes, maxRecordBytes: maxRecordBytes)
    }

    /// The records' fields, failing on any malformed event.
    static func records(_ events: [CSVEvent]) -> [[String]] {
        events.map { event in
            guard case .record(let fields, _) = event else { return ["<malformed: \(event)>"] }
            return fields
        }
    }

    /// Events as strings that compare byte for byte (String `==` is canonical equivalence).
    static func exact(_ events: [CSVEvent]) -> [String] {
        events.map { event in
            switch event {
            case .record(let fields, let line): "\(line): \(fields.map { Array($0.utf8) })"
            case .malformed(let line, let reason): "\(line): malformed: \(reason)"
            }
        }
    }

    /// Chunk sizes from a seeded generator: mostly small, sometimes up to 300 bytes.
    static func randomSizes(seed: UInt64, count: Int) -> [Int] {
        var generator = CSVFeed.SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            Bool.random(using: &generator)
                ? Int.random(in: 1...16, using: &generator)
                : Int.random(in: 1...300, using: &generator)
        }
    }

    /// The files with `ext` in a third-party test-data folder, sorted by name.
    static func files(_ folder: String, ext: String = "csv") -> [String] {
        let directory = CSVTestData.thirdPartyDirectory().appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { "\(folder)/\($0)" }
    }

    /// The bytes of a file under the third-party test data.
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: CSVTestData.thirdPartyDirectory().appendingPathComponent(path)))
    }

    /// A small seeded generator (SplitMix64) so that "random" chunkings repeat from run to run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        init(seed: UInt64) { state = seed }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
