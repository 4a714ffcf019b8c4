import TriageCore
import TriageIO

/// Counts of a run, overall and per input, as outcomes become final. Not thread-safe: the
/// pipeline owns it behind its lock.
struct RunTally: Sendable {
    struct PerInput: Sendable {
        var records = 0
        var failed = 0
        /// Milliseconds since 1970 when reading the input started and ended (0: not known).
        var startedAt: Int64 = 0
        var finishedAt: Int64 = 0
    }

    private(set) var records = 0
    private(set) var failed = 0
    private(set) var errors = ErrorCounts()
    private(set) var inputs: [PerInput]

    init(inputCount: Int) {
        inputs = Array(repeating: PerInput(), count: inputCount)
    }

    var processed: Int { records - failed }

    /// Counts a record read from `input` (its outcome may come later).
    mutating func countRecord(input: Int) {
        records += 1
        inputs[input].records += 1
    }

    /// Counts a failure of a record of `input`.
    mutating func countFailure(_ code: ErrorCode, input: Int) {
        failed += 1
        inputs[input].failed += 1
        errors.add(code)
    }

    /// Counts a record's outcome when it is a failure.
    mutating func count(_ outcome: Outcome, input: Int) {
        if let code = outcome.errorCode { countFailure(code, input: input) }
    }

    /// Takes back records that got no outcome (an interrupted run).
    mutating func removeRecords(_ count: Int, input: Int) {
        records -= count
        inputs[input].records -= count
    }

    /// Adds failures counted elsewhere (applied batches): the same failures by input and by code.
    mutating func addFailures(byInput: [Int: Int], byCode: ErrorCounts) {
        for (input, count) in byInput {
            failed += count
            inputs[input].failed += count
        }
        errors.add(byCode)
    }

    mutating func markStart(input: Int, at time: Int64) { inputs[input].startedAt = time }
    mutating func markEnd(input: Int, at time: Int64) { inputs[input].finishedAt = time }

    /// Sets the reading times of every input (a journal's record of them).
    mutating func setTimes(_ times: [JournalEnd.InputTime]) {
        for (index, time) in times.enumerated() where index < inputs.count {
            inputs[index].startedAt = time.startedAt
            inputs[index].finishedAt = time.finishedAt
        }
    }
}
