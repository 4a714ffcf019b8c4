import Synchronization
import TriageCore
import TriageIO

/// The outcomes of applied records, by sequence number, as batches finish in any order; their
/// counts (a ``RunLedger`` of the applied batches); and the journal, written under the same lock
/// so that an entry and the outcomes it records agree.
///
/// Outcomes are kept in an ``OutcomeTable`` (a byte a record). The first journal write that
/// fails stops the run (``StopSignal``) like a signal: batches in flight finish, nothing more is
/// sent, and the run ends with the journal's error (exit status 4).
final class ApplyLedger: Sendable {
    struct State {
        var outcomes = OutcomeTable()
        /// The counts of this run's finished batches.
        var counts = RunLedger()
        /// Batch entries written out to the journal (durable or not yet).
        var written = 0
        var journal: JournalWriter?
        var journalError: TriageIOError?
    }

    private let state: Mutex<State>
    /// Batch entries known durable (group commit: one `fsync` covers every entry written before
    /// it). Taken before `state`, never inside it.
    private let synced = Mutex<Int>(0)

    /// Called before journal entries are synced: makes the batches they record durable in the
    /// target first.
    private let syncTarget: (@Sendable () throws(JobError) -> Void)?
    private let stop: StopSignal?

    init(journal: JournalWriter?, syncTarget: (@Sendable () throws(JobError) -> Void)? = nil, stop: StopSignal? = nil) {
        state = Mutex(State(journal: journal))
        self.syncTarget = syncTarget
        self.stop = stop
    }

    /// Records an outcome known before the run (from the journal of an interrupted run).
    func restore(sequence: Int, _ outcome: Outcome) {
        state.withLock { $0.outcomes.set(sequence, outcome) }
    }

    /// The outcome of a record, if it has one.
    func outcome(_ sequence: Int) -> Outcome? {
        state.withLock { $0.outcomes.outcome(sequence) }
    }

    /// Records a finished batch: its outcomes, its counts, and its journal entry; returns once the
    /// entry is durable. Entries are written in the order batches finish; batches finishing
    /// together share one `fsync` (group commit).
    func finish(_ batch: PlannedBatch, outcomes: [Outcome]) {
        let records = zip(batch.members, outcomes).map { member, outcome in RecordOutcome(member.reference, outcome) }
        let ticket = state.withLock { state -> Int? in
            for record in records { state.outcomes.set(record.sequence, record.outcome) }
            state.counts.countBatch(records)
            guard let journal = state.journal, state.journalError == nil else { return nil }
            do throws(TriageIOError) {
                try journal.appendBatch(state.counts.batches, records: records, durable: false)
                state.written += 1
                return state.written
            } catch {
                fail(&state, error)
                return nil
            }
        }
        if let ticket { makeDurable(through: ticket) }
    }

    /// Journals that a request is about to be sent (a batch's first try), before it leaves, so
    /// that a resumed run's `requests` counts it even when this process is killed before its
    /// answer (a write, no `fsync`; nothing without a journal). A failed write stops the run like
    /// any journal write; the request goes all the same (it is in flight already).
    func noteSent() {
        state.withLock { state in
            guard let journal = state.journal, state.journalError == nil else { return }
            do throws(TriageIOError) {
                try journal.appendSent()
            } catch {
                fail(&state, error)
            }
        }
    }

    /// Returns when journal entry `ticket` is durable: the first caller `fsync`s for everyone
    /// waiting, later ones find their entry already covered.
    private func makeDurable(through ticket: Int) {
        synced.withLock { synced in
            guard synced < ticket else { return }
            let (written, journal) = state.withLock { ($0.written, $0.journal) }
            do throws(TriageIOError) {
                do throws(JobError) {
                    try syncTarget?()
                } catch {
                    throw TriageIOError(path: journal?.path ?? "journal", reason: "not synced: \(error.message)")
                }
                try journal?.syncWritten()
                synced = written
            } catch {
                state.withLock { fail(&$0, error) }
            }
        }
    }

    /// Journals failures found while reading (for `triage report`).
    func journalFailures(_ records: [RecordOutcome]) {
        state.withLock { state in
            guard let journal = state.journal, state.journalError == nil else { return }
            do throws(TriageIOError) {
                try journal.appendFailed(records)
            } catch {
                fail(&state, error)
            }
        }
    }

    /// The first journal error stops the run.
    private func fail(_ state: inout State, _ error: TriageIOError) {
        guard state.journalError == nil else { return }
        state.journalError = error
        stop?.request(.journalFailed)
    }

    /// The journal's write error, if one happened.
    var journalError: TriageIOError? {
        state.withLock { $0.journalError }
    }

    /// Whether the run has a journal that is still being written.
    var isJournaling: Bool {
        state.withLock { $0.journal != nil && $0.journalError == nil }
    }

    /// Closes the journal with its end entry (after the reports are in place, so that a run killed
    /// before they are is resumed: nothing is applied again and the reports are rendered).
    func closeJournal(_ end: JournalEnd) throws(TriageIOError) {
        let error: TriageIOError? = state.withLock { state -> TriageIOError? in
            if let error = state.journalError { return error }
            do throws(TriageIOError) {
                try state.journal?.end(end)
                try state.journal?.close()
                return nil
            } catch {
                state.journalError = error
                return error
            }
        }
        if let error { throw error }
    }

    /// Records this run's finished batches decided so far, and their failures by code (the
    /// metrics file during a run).
    var decidedSoFar: (records: Int, failedByCode: ErrorCounts) {
        state.withLock { ($0.counts.decidedByBatches, $0.counts.batchErrors) }
    }

    /// The counts of this run's finished batches so far.
    var counts: RunLedger {
        state.withLock { $0.counts }
    }
}
