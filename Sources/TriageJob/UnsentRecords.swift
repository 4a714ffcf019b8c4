import Synchronization
import TriageCore

/// Records read but never sent because the run stopped early, counted by input: they get no
/// outcome, are left out of `records`, and are what `--resume` applies.
final class UnsentRecords: Sendable {
    private let byInput = Mutex<[Int: Int]>([:])

    /// Counts records of `input` that will not be sent.
    func add(_ count: Int, input: Int) {
        byInput.withLock { $0[input, default: 0] += count }
    }

    /// Counts the members of a batch that will not be sent.
    func add(_ batch: PlannedBatch) {
        byInput.withLock { counts in
            for member in batch.members { counts[member.source.input, default: 0] += 1 }
        }
    }

    /// The counts by input.
    var counts: [Int: Int] { byInput.withLock { $0 } }
}
