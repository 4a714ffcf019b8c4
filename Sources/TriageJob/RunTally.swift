import TriageCore

/// Counts of a run, overall and per input, as outcomes become final. Not thread-safe: the
/// pipeline owns it behind its lock.
struct RunTally: Sendable {
    struct PerInput: Sendable {
        var records = 0
        var failed = 0
        var startedAt: Int64 = 0
        var finishedAt: Int64 = 0
    }

    private(set) var records = 0
    private(set) var failed = 0
    private(set) var errors: [ErrorCode: Int] = [:]
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
        errors[code, default: 0] += 1
    }

    /// Takes back records that got no outcome (an interrupted run).
    mutating func removeRecords(_ count: Int, input: Int) {
        records -= count
        inputs[input].records -= count
    }

    /// Adds failures counted elsewhere (applied batches): the same failures by input and by code.
    mutating func addFailures(byInput: [Int: Int], byCode: [ErrorCode: Int]) {
        for (input, count) in byInput {
            failed += count
            inputs[input].failed += count
        }
        for (code, count) in byCode { errors[code, default: 0] += count }
    }

    mutating func markStart(input: Int, at time: Int64) { inputs[input].startedAt = time }
    mutating func markEnd(input: Int, at time: Int64) { inputs[input].finishedAt = time }

    /// Error counts sorted by code.
    var sortedErrors: [(code: String, count: Int)] {
        errors.map { (code: $0.key.rawValue, count: $0.value) }.sorted { $0.code < $1.code }
    }
}
