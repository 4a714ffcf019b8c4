import TriageCore

/// What the dispatcher did not send, for `--resume`: batches never sent (counted, not kept: a lane's
/// batches waiting in its temporary file are never read back for this), and the undecided members
/// of batches that were sent but went no further (a stop while they waited to be sent again).
struct DispatchLeftover {
    /// Batches handed to the dispatcher and never sent.
    private(set) var neverSentBatches = 0
    /// Their records, by input.
    private(set) var neverSentRecords: [Int: Int] = [:]
    var unfinished: [PlannedBatch] = []

    /// Counts a batch never sent.
    mutating func addNeverSent(_ batch: PlannedBatch) {
        neverSentBatches += 1
        for member in batch.members { neverSentRecords[member.source.input, default: 0] += 1 }
    }

    /// Counts `batches` never sent, with `recordsByInput` records.
    mutating func addNeverSent(batches: Int, recordsByInput: [Int: Int]) {
        neverSentBatches += batches
        neverSentRecords.merge(recordsByInput, uniquingKeysWith: +)
    }
}
