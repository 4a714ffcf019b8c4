import TriageCore

/// The first failures of a run in input order, for stderr: the records with the lowest sequence
/// numbers among those that failed, whatever order batches finish in. Holds at most `capacity`.
public struct FailureSample: Sendable {
    /// One failed record as a person reads it: `FILE:LINE: Code: message`.
    public struct Entry: Sendable, Equatable {
        /// Position in the run (orders the sample).
        public var sequence: Int
        /// Index of the input.
        public var input: Int
        /// 1-based line.
        public var line: Int
        /// The finding's `Id`, when the record named one.
        public var id: String?
        /// The failure's code.
        public var code: ErrorCode
        /// The failure's message.
        public var message: String
    }

    /// Entries kept at most.
    public let capacity: Int
    /// The kept entries, in input order.
    public private(set) var entries: [Entry] = []

    /// An empty sample of at most `capacity` entries.
    public init(capacity: Int = 10) {
        self.capacity = capacity
    }

    /// Offers a failed record; kept when it is among the first `capacity` seen so far.
    public mutating func offer(_ entry: Entry) {
        guard capacity > 0 else { return }
        if entries.count == capacity {
            guard entry.sequence < entries[capacity - 1].sequence else { return }
            entries.removeLast()
        }
        let index = entries.firstIndex { $0.sequence > entry.sequence } ?? entries.count
        entries.insert(entry, at: index)
    }

    /// Offers every entry of `other`.
    public mutating func merge(_ other: FailureSample) {
        for entry in other.entries { offer(entry) }
    }
}
