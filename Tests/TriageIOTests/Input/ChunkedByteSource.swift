import TriageIO

/// How a test source cuts its bytes into reads.
enum ChunkPattern: Sendable, CustomStringConvertible {
    /// Every read returns at most this many bytes.
    case fixed(Int)
    /// Reads of 1...maximum bytes, drawn from a generator seeded with `seed`.
    case random(seed: UInt64, maximum: Int)

    /// The patterns the house style asks readers to pass: 1, 2, 7, 4096 and random.
    static let all: [ChunkPattern] = [.fixed(1), .fixed(2), .fixed(7), .fixed(4096), .random(seed: 42, maximum: 9000)]

    var description: String {
        switch self {
        case .fixed(let size): "chunks of \(size)"
        case .random(let seed, let maximum): "random chunks up to \(maximum) (seed \(seed))"
        }
    }
}

/// A small deterministic generator (SplitMix64) so random tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// In-memory bytes handed out in chunks of a given pattern, optionally failing after the last byte.
final class ChunkedByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let pattern: ChunkPattern
    private var generator: SeededGenerator
    private let failure: TriageIOError?

    /// Serves `bytes` cut by `pattern`; when `failure` is set, it is thrown instead of the end of input.
    init(_ bytes: [UInt8], pattern: ChunkPattern, failure: TriageIOError? = nil) {
        self.bytes = bytes
        self.pattern = pattern
        self.failure = failure
        if case .random(let seed, _) = pattern {
            generator = SeededGenerator(seed: seed)
        } else {
            generator = SeededGenerator(seed: 0)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        let remaining = bytes.count - offset
        if remaining == 0 {
            if let failure { throw failure }
            return 0
        }
        let chunk: Int
        switch pattern {
        case .fixed(let size): chunk = size
        case .random(_, let maximum): chunk = Int.random(in: 1...maximum, using: &generator)
        }
        let count = min(chunk, remaining, buffer.count)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
