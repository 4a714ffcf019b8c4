import TriageCore
import TriageIO

/// What the planning thread does with each decoded record: give it a sequence number, spool it,
/// count it, and plan it into a batch unless it already failed or a resumed run's journal
/// records it as done.
struct RecordIntake {
    /// Counts of records read and of failures found while reading.
    var tally: RunTally
    private var planner: BatchPlanner
    /// Valid decisions waiting to be planned in key order; nil plans in input order.
    private var window: KeyOrderWindow?
    private let stop: StopSignal
    private let emit: (PlannedBatch) -> Void
    private var sequence = 0
    private let spool: RecordSpool?
    private let ledger: ApplyLedger
    private let resumed: ResumePoint?
    private let journaling: Bool
    private var unjournaled: [JournalRecord] = []
    /// Records read but never sent (an interrupted run), by input.
    private var discardedByInput: [Int: Int] = [:]

    init(
        configuration: RunConfiguration, spool: RecordSpool?, ledger: ApplyLedger, resumed: ResumePoint?,
        inputCount: Int, stop: StopSignal, emit: @escaping (PlannedBatch) -> Void
    ) {
        self.tally = RunTally(inputCount: inputCount)
        self.planner = BatchPlanner(batchSize: configuration.batchSize, maxOpenGroups: configuration.maxOpenGroups)
        let windowSize = configuration.keyOrderWindow ?? configuration.target?.defaultKeyOrderWindow ?? 0
        self.window = windowSize > 0 ? KeyOrderWindow(capacity: windowSize) : nil
        self.stop = stop
        self.emit = emit
        self.spool = spool
        self.ledger = ledger
        self.resumed = resumed
        self.journaling = configuration.journalPath != nil && !configuration.dryRun
    }

    /// Takes one decoded record (several records for a whole-request line).
    mutating func take(_ record: DecodedRecord, input: Int) throws(JobError) {
        switch record {
        case .malformed(let line, let message):
            try spoolFailure(input: input, line: line, id: nil, productArn: nil, .init(code: .malformedRecord, message: message))
        case .inputFailed(let line, let message):
            try spoolFailure(input: input, line: line, id: nil, productArn: nil, .init(code: .malformedInput, message: message))
        case .checked(let verdicts, let line):
            for verdict in verdicts {
                switch verdict {
                case .valid(let identifier, let update):
                    let current = sequence
                    try spool(
                        SpooledRecord(
                            input: input, line: line, id: identifier.id, productArn: identifier.productArn, failure: nil))
                    if let resumed, resumed.isDone(current) {
                        // Applied by the interrupted run: its outcome comes from the journal.
                        if let failure = resumed.failure(current) { tally.countFailure(failure.code, input: input) }
                    } else {
                        plan(
                            KeyOrderWindow.Entry(
                                sequence: current, identifier: identifier, update: update,
                                source: SourceLocation(input: input, line: line)))
                    }
                case .invalid(let raw, let issues):
                    try spoolFailure(
                        input: input, line: line, id: raw?.id, productArn: raw?.productArn,
                        .init(code: .invalidInput, message: ValidationIssue.message(issues)))
                }
            }
        }
    }

    /// Plans a valid decision now, or through the key-order window.
    private mutating func plan(_ entry: KeyOrderWindow.Entry) {
        guard window != nil else {
            planner.add(
                sequence: entry.sequence, identifier: entry.identifier, update: entry.update, source: entry.source,
                emit: emit)
            return
        }
        window!.append(entry)
        if window!.isFull { drainWindow() }
    }

    /// Plans the window's decisions in key order. Reading waits meanwhile: a second window
    /// filling while this one is applied was measured 4 % faster for 45 MB more memory.
    private mutating func drainWindow() {
        guard var held = window else { return }
        window = KeyOrderWindow(capacity: held.capacity)
        let (stop, emit) = (self.stop, self.emit)
        // Moved out for the closure and back (a copy would duplicate its tables on first write).
        var planner = BatchPlanner(batchSize: self.planner.batchSize)
        swap(&planner, &self.planner)
        let rest = held.drain { entry in
            if stop.isRequested { return false }
            planner.add(
                sequence: entry.sequence, identifier: entry.identifier, update: entry.update, source: entry.source,
                emit: emit)
            return true
        }
        self.planner = planner
        for entry in rest { discardedByInput[entry.source.input, default: 0] += 1 }
    }

    /// Sends the batches still open (end of input).
    mutating func finish() {
        drainWindow()
        planner.finish(emit: emit)
    }

    /// Drops the batches still open and the decisions not yet planned (interrupted): their
    /// records get no outcome and are left for `--resume`.
    mutating func discardOpenBatches() {
        for member in planner.discardOpenBatches() { discardedByInput[member.source.input, default: 0] += 1 }
        for entry in window?.discard() ?? [] { discardedByInput[entry.source.input, default: 0] += 1 }
    }

    /// Failures found while reading that the journal has not got yet.
    mutating func takeUnjournaledFailures() -> [JournalRecord] {
        defer { unjournaled = [] }
        return unjournaled
    }

    /// Final counts: records with an outcome, failures by code, and the per-input tally the JUnit
    /// report needs.
    func counts(ledger: ApplyLedger) -> (records: Int, failed: Int, errors: [(code: String, count: Int)], tally: RunTally) {
        let failures = ledger.failures
        var merged = tally
        for (input, count) in discardedByInput { merged.removeRecords(count, input: input) }
        merged.addFailures(byInput: failures.byInput, byCode: failures.byCode)
        return (merged.records, merged.failed, merged.sortedErrors, merged)
    }

    private mutating func spoolFailure(
        input: Int, line: Int, id: String?, productArn: String?, _ failure: SpooledRecord.Failure
    ) throws(JobError) {
        if journaling {
            unjournaled.append(
                JournalRecord(sequence: sequence, input: input, line: line, id: id, productArn: productArn, failure: failure))
            if unjournaled.count >= 1000 { ledger.journalFailures(takeUnjournaledFailures()) }
        }
        try spool(SpooledRecord(input: input, line: line, id: id, productArn: productArn, failure: failure))
        tally.countFailure(failure.code, input: input)
    }

    private mutating func spool(_ record: SpooledRecord) throws(JobError) {
        do {
            try spool?.append(record)
        } catch {
            throw JobError(.output, "cannot write the record spool: \(error)")
        }
        tally.countRecord(input: record.input)
        sequence += 1
    }
}
