import TriageCore
import TriageIO

/// Every count of a run: records read, failed and left without an outcome, per input and by
/// error code; the first failures; batches and requests; the inputs' reading times. The report's
/// summary, the run's result and the journal's `end` entry are derived from it, each by one
/// function (`RunLedger+Derived.swift`), for `apply`/`validate` and `triage report` alike.
///
/// A pure value, not thread-safe. A run keeps two while it goes on and adds them up at its end
/// (``absorb(_:)``): the planning thread's (records read, failures found while reading, a
/// resumed run's outcomes), which it counts without a lock, and the applied batches' (their
/// failures), which ``ApplyLedger`` keeps under the lock it takes for the journal: a record read
/// never waits for a journal write.
struct RunLedger: Sendable {
    /// The counts of one input (its JUnit suite).
    struct PerInput: Sendable, Equatable {
        /// Records read, less those left without an outcome: each has, or will have, one.
        var records = 0
        /// Records failed.
        var failed = 0
        /// Records read but left without an outcome (stopped early), for `--resume`.
        var remaining = 0
        /// Milliseconds since 1970 when reading the input started (0: not known).
        var startedAt: Int64 = 0
        /// Milliseconds since 1970 when reading the input ended (0: not known).
        var finishedAt: Int64 = 0

        /// Records processed.
        var processed: Int { records - failed }
    }

    /// Per input, by the index a ``SourceLocation`` gives; grows to the highest input counted.
    private(set) var inputs: [PerInput]
    /// Failed records by code.
    private(set) var errors = ErrorCounts()
    /// The first failures in input order.
    private(set) var sample: FailureSample
    /// Batches finished (the journal numbers its batch entries by it).
    private(set) var batches = 0
    /// Records given their outcome by finished batches.
    private(set) var decidedByBatches = 0
    /// Their failures by code (the metrics file counts only these while the run goes on).
    private(set) var batchErrors = ErrorCounts()
    /// Requests the earlier runs of a resumed run sent.
    var earlierRequests = 0
    /// Requests this run sent (or, in a dry run, planned).
    var requestsThisRun = 0

    /// No counts yet, for `inputCount` inputs; the failure sample keeps `sampleCapacity` failures.
    init(inputCount: Int = 0, sampleCapacity: Int = 10) {
        inputs = Array(repeating: PerInput(), count: inputCount)
        sample = FailureSample(capacity: sampleCapacity)
    }

    /// The counts of `input` (none for an input beyond those counted).
    subscript(input input: Int) -> PerInput {
        input < inputs.count ? inputs[input] : PerInput()
    }

    /// Records with an outcome: `processed + failed`.
    var records: Int { inputs.reduce(0) { $0 + $1.records } }
    /// Records failed.
    var failed: Int { inputs.reduce(0) { $0 + $1.failed } }
    /// Records processed.
    var processed: Int { records - failed }
    /// Records read but left without an outcome (stopped early).
    var remaining: Int { inputs.reduce(0) { $0 + $1.remaining } }
    /// Requests sent (or planned), counting the earlier runs of a resumed one.
    var requests: Int { earlierRequests + requestsThisRun }

    /// Counts `count` records read from `input` (each has, or will get, its outcome).
    mutating func countRead(_ count: Int = 1, input: Int) {
        grow(to: input)
        inputs[input].records += count
    }

    /// Counts a record's outcome: a failure by code and by input, and offers it to the sample.
    /// (A record is counted as read on its own, ``countRead(_:input:)``.)
    mutating func count(_ record: RecordOutcome) {
        guard let code = record.outcome.errorCode else { return }
        let input = record.reference.source.input
        grow(to: input)
        inputs[input].failed += 1
        errors.add(code)
        sample.offer(record)
    }

    /// Counts a finished batch's outcomes.
    mutating func countBatch(_ records: [RecordOutcome]) {
        for record in records {
            count(record)
            if let code = record.outcome.errorCode { batchErrors.add(code) }
        }
        batches += 1
        decidedByBatches += records.count
    }

    /// Counts `count` records of `input` that were read and will get no outcome (the run stopped
    /// early): they leave `records` for `remaining`.
    mutating func countUnsent(_ count: Int, input: Int) {
        grow(to: input)
        inputs[input].records -= count
        inputs[input].remaining += count
    }

    /// Counts records left without an outcome, by input.
    mutating func countUnsent(_ byInput: [Int: Int]) {
        for (input, count) in byInput { countUnsent(count, input: input) }
    }

    /// Notes when reading `input` started, milliseconds since 1970.
    mutating func markStart(input: Int, at time: Int64) {
        grow(to: input)
        inputs[input].startedAt = time
    }

    /// Notes when reading `input` ended, milliseconds since 1970.
    mutating func markEnd(input: Int, at time: Int64) {
        grow(to: input)
        inputs[input].finishedAt = time
    }

    /// Sets the reading times of the inputs from `first` on (a journal's record of them).
    mutating func setTimes(_ times: [JournalEnd.InputTime], from first: Int = 0) {
        for (offset, time) in times.enumerated() {
            markStart(input: first + offset, at: time.startedAt)
            markEnd(input: first + offset, at: time.finishedAt)
        }
    }

    /// Adds every count of `other` (the applied batches' ledger into the planning thread's).
    /// Reading times are taken from `other` where it knows them.
    mutating func absorb(_ other: RunLedger) {
        if !other.inputs.isEmpty { grow(to: other.inputs.count - 1) }
        for (input, counts) in other.inputs.enumerated() {
            inputs[input].records += counts.records
            inputs[input].failed += counts.failed
            inputs[input].remaining += counts.remaining
            if counts.startedAt != 0 { inputs[input].startedAt = counts.startedAt }
            if counts.finishedAt != 0 { inputs[input].finishedAt = counts.finishedAt }
        }
        errors.add(other.errors)
        sample.merge(other.sample)
        batches += other.batches
        decidedByBatches += other.decidedByBatches
        batchErrors.add(other.batchErrors)
        earlierRequests += other.earlierRequests
        requestsThisRun += other.requestsThisRun
    }

    private mutating func grow(to input: Int) {
        if input >= inputs.count { inputs += repeatElement(PerInput(), count: input + 1 - inputs.count) }
    }
}
