/// Failed records counted by error code: the summary's `errors`, the run's tallies and the
/// one-line summary all use this one type.
public struct ErrorCounts: Sendable, Equatable {
    private var counts: [ErrorCode: Int] = [:]

    /// No failures.
    public init() {}

    /// Counts `count` more failures with `code`.
    public mutating func add(_ code: ErrorCode, _ count: Int = 1) {
        guard count != 0 else { return }
        counts[code, default: 0] += count
    }

    /// Adds every count of `other`.
    public mutating func add(_ other: ErrorCounts) {
        for (code, count) in other.counts { add(code, count) }
    }

    /// Failures with `code`.
    public subscript(code: ErrorCode) -> Int { counts[code] ?? 0 }

    /// All failures.
    public var total: Int { counts.values.reduce(0, +) }

    /// Whether nothing failed.
    public var isEmpty: Bool { counts.values.allSatisfy { $0 == 0 } }

    /// The codes that occurred with their counts, sorted by the code's name (the report's order).
    public var sorted: [(code: ErrorCode, count: Int)] {
        counts.filter { $0.value != 0 }.map { (code: $0.key, count: $0.value) }.sorted {
            $0.code.rawValue < $1.code.rawValue
        }
    }
}
