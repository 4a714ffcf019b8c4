import Synchronization
import TriageCore
import TriageIO

/// The outcomes of applied records, by sequence number, as batches finish in any order; and the
/// journal, written under the same lock so that an entry and the outcomes it records agree.
///
/// One byte per record (0 no outcome yet, 1 processed, 2 + index in `ErrorCode.allCases` failed
/// with that code), messages kept only where they differ from the code's default: 1 MB for a
/// million records.
final class ApplyLedger: Sendable {
    struct State {
        var codes: [UInt8] = []
        var messages: [Int: String] = [:]
        var failedByCode: [ErrorCode: Int] = [:]
        var failedByInput: [Int: Int] = [:]
        var applied = 0
        var failed = 0
        var batches = 0
        var journal: JournalWriter?
        var journalError: OutputError?
    }

    private let state: Mutex<State>

    init(journal: JournalWriter?) {
        state = Mutex(State(journal: journal))
    }

    /// Records an outcome known before the run (from the journal of an interrupted run).
    func restore(sequence: Int, failure: SpooledRecord.Failure?) {
        state.withLock { state in Self.set(&state, sequence: sequence, failure: failure, input: nil) }
    }

    /// The outcome of a record, if it has one.
    func outcome(_ sequence: Int) -> Outcome? {
        state.withLock { state in
            guard sequence < state.codes.count else { return nil }
            let code = state.codes[sequence]
            switch code {
            case 0: return nil
            case 1: return .processed
            default:
                let errorCode = ErrorCode.allCases[Int(code) - 2]
                return .failed(errorCode, state.messages[sequence] ?? errorCode.defaultMessage)
            }
        }
    }

    /// Records a finished batch: its outcomes, its counts, and (durably) its journal entry.
    func finish(_ batch: PlannedBatch, outcomes: [Outcome]) {
        state.withLock { state in
            var records: [JournalRecord] = []
            if state.journal != nil { records.reserveCapacity(batch.members.count) }
            for (member, outcome) in zip(batch.members, outcomes) {
                var failure: SpooledRecord.Failure?
                if case .failed(let code, let message) = outcome { failure = .init(code: code, message: message) }
                Self.set(&state, sequence: member.sequence, failure: failure, input: member.source.input)
                state.applied += 1
                if state.journal != nil {
                    records.append(
                        JournalRecord(
                            sequence: member.sequence, input: member.source.input, line: member.source.line,
                            id: member.identifier.id, productArn: member.identifier.productArn, failure: failure))
                }
            }
            state.batches += 1
            if let journal = state.journal, state.journalError == nil {
                do throws(OutputError) {
                    try journal.appendBatch(state.batches, records: records)
                } catch {
                    state.journalError = error
                }
            }
        }
    }

    /// Journals failures found while reading (for `triage report`).
    func journalFailures(_ records: [JournalRecord]) {
        state.withLock { state in
            guard let journal = state.journal, state.journalError == nil else { return }
            do throws(OutputError) {
                try journal.appendFailed(records)
            } catch {
                state.journalError = error
            }
        }
    }

    /// Closes the journal with its end entry.
    func closeJournal(finishedAt: String, interrupted: Bool) throws(OutputError) {
        let error: OutputError? = state.withLock { state -> OutputError? in
            if let error = state.journalError { return error }
            do throws(OutputError) {
                try state.journal?.end(finishedAt: finishedAt, interrupted: interrupted)
                try state.journal?.close()
                return nil
            } catch {
                return error
            }
        }
        if let error { throw error }
    }

    /// Counts after the run.
    var totals: (applied: Int, failed: Int, batches: Int, failedByCode: [ErrorCode: Int], failedByInput: [Int: Int]) {
        state.withLock { ($0.applied, $0.failed, $0.batches, $0.failedByCode, $0.failedByInput) }
    }

    private static func set(_ state: inout State, sequence: Int, failure: SpooledRecord.Failure?, input: Int?) {
        if sequence >= state.codes.count {
            state.codes.append(contentsOf: repeatElement(0, count: max(sequence + 1 - state.codes.count, state.codes.count / 2)))
        }
        if let failure {
            state.codes[sequence] = UInt8(2 + ErrorCode.allCases.firstIndex(of: failure.code)!)
            if failure.message != failure.code.defaultMessage { state.messages[sequence] = failure.message }
            if let input {
                state.failed += 1
                state.failedByCode[failure.code, default: 0] += 1
                state.failedByInput[input, default: 0] += 1
            }
        } else {
            state.codes[sequence] = 1
        }
    }
}
