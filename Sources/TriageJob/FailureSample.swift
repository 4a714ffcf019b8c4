import TriageCore

/// The first failures of a run in input order, for stderr (`FILE:LINE: Code: message`): the
/// failed records with the lowest sequence numbers, whatever order batches finish in. Holds at
/// most `capacity`.
public struct FailureSample: Sendable, Equatable {
    /// Entries kept at most.
    public let capacity: Int
    /// The kept failures, in input order (every outcome a failure).
    public private(set) var entries: [RecordOutcome] = []

    /// An empty sample of at most `capacity` entries.
    public init(capacity: Int = 10) {
        self.capacity = capacity
    }

    /// Offers a record's outcome; kept when it is a failure among the first `capacity` seen so far.
    public mutating func offer(_ record: RecordOutcome) {
        guard capacity > 0, !record.outcome.isProcessed else { return }
        if entries.count == capacity {
            guard record.sequence < entries[capacity - 1].sequence else { return }
            entries.removeLast()
        }
        let index = entries.firstIndex { $0.sequence > record.sequence } ?? entries.count
        entries.insert(record, at: index)
    }

    /// Offers every entry of `other`.
    public mutating func merge(_ other: FailureSample) {
        for entry in other.entries { offer(entry) }
    }
}
