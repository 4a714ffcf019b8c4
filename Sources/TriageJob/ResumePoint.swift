import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// What an interrupted run's journal says is done, for `--resume`: every record of a journaled
/// batch, with its outcome. Records are identified by their sequence number, which is the same
/// when the same inputs are read again; the journal's inputs must match.
struct ResumePoint: Sendable {
    /// Requests the earlier runs sent (``JournalReader/Run/requests``).
    let requests: Int
    /// Outcomes of the records applied by earlier runs.
    private let done: OutcomeTable

    /// The inputs' fingerprints as the journal keeps them: `<size>:<mtime>` per regular file
    /// (stat by the path's bytes, so names that are not UTF-8 count too), empty for standard
    /// input, pipes and other inputs that are read once.
    static func fingerprints(of inputs: [InputPath]) -> [String] {
        inputs.map { path in
            var status = stat()
            guard !path.isStandardInput else { return "" }
            if RemoteObjects.isRemote(path) { return RemoteObjects.fingerprint(path.displayName) }
            let found = (path.bytes + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &status) == 0 }
            }
            guard found, (status.st_mode & S_IFMT) == S_IFREG else { return "" }
            return "\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        }
    }

    /// Why `--resume` starts afresh: nil when it resumes.
    enum Afresh: Sendable {
        /// The journal's last run finished.
        case finished
        /// There is no journal at the path.
        case missing
    }

    /// Whether (and why) `--resume` starts afresh rather than resuming.
    let afresh: Afresh?
    /// Whether this run starts afresh.
    var startsAfresh: Bool { afresh != nil }

    /// Reads the journal when `--resume` is given, the journal exists and its last run did not
    /// finish (stopped early, killed, or its reports not written); nil when there is nothing to
    /// resume from. A finished run's journal is started afresh (``startsAfresh``): a nightly job
    /// that always passes `--resume` must not skip tonight's records because of last night's run.
    /// `destination` is where this run sends its decisions (nil: not checked).
    init?(
        _ configuration: RunConfiguration, inputs: [String], paths: [InputPath], destination: JournalDestination?
    ) throws(JobError) {
        guard configuration.resume, let path = configuration.journalPath, !configuration.dryRun else { return nil }
        guard try Self.journalExists(path) else {
            (requests, done, afresh) = (0, OutcomeTable(), .missing)
            return
        }
        // Records are visited, not kept: a journal of millions of records reads in flat memory.
        var done = OutcomeTable()
        let runs: [JournalReader.Run]
        do {
            runs = try JournalReader.read(path: path) { record, applied in
                // Only applied records are done; failures found while reading are found again,
                // and records whose update may or may not be in effect are sent again.
                if applied, !record.outcome.isUnconfirmed { done.set(record.sequence, record.outcome) }
            }
        } catch {
            throw JobError(.badInput, "cannot resume: \(error)")
        }
        guard let last = runs.last, !last.finished else {
            (self.requests, self.done, self.afresh) = (0, OutcomeTable(), .finished)
            return
        }
        // Records journaled as done are done where that run sent them: resuming elsewhere would
        // report as processed records that never arrived there.
        for run in runs {
            if let refusal = Self.refusal(
                run.header, journal: path, destination: destination, inbox: configuration.resumeMayAppendInputs)
            {
                throw JobError(.usage, refusal)
            }
            if let refusal = Self.shardRefusal(run.header, journal: path, shard: configuration.shard) {
                throw JobError(.usage, refusal)
            }
        }
        let fingerprints = Self.fingerprints(of: paths)
        // The inbox appends the files that arrived since to the interrupted run's: records keep
        // their sequence numbers as long as the earlier inputs come first, unchanged.
        let appends = configuration.resumeMayAppendInputs
        for run in runs
        where !Self.matches(run.header, inputs: inputs, fingerprints: fingerprints, appending: appends) {
            throw JobError(
                .usage,
                "cannot resume: \(path) records an interrupted run over \(run.header.inputs.joined(separator: " ")) "
                    + "as they were then (size and modification time); these inputs differ. Run without --resume to start afresh"
                    + Self.changedObjects(run.header, fingerprints: fingerprints)
            )
        }
        self.requests = runs.reduce(0) { $0 + $1.requests }
        self.done = done
        self.afresh = nil
    }

    /// Whether a run recorded with `header` was over `inputs` as they are now (or, `appending`,
    /// over the first of them).
    private static func matches(
        _ header: JournalHeader, inputs: [String], fingerprints: [String], appending: Bool
    ) -> Bool {
        let count = header.inputs.count
        guard appending ? count <= inputs.count : count == inputs.count else { return false }
        guard Array(inputs.prefix(count)) == header.inputs else { return false }
        return header.fingerprints.isEmpty || header.fingerprints == Array(fingerprints.prefix(count))
    }

    /// Why a run recorded with `header` in `journal` cannot be resumed by a run sending to
    /// `destination`; nil when it can (the same destination, or one of them unknown). A journal
    /// written before destinations were recorded is judged by its target name (the kind, and the
    /// store's path or the endpoint; its Region override is unknown and not compared).
    static func refusal(
        _ header: JournalHeader, journal: String, destination: JournalDestination?, inbox: Bool
    ) -> String? {
        guard let destination, let recorded = header.destination ?? JournalDestination(targetName: header.target)
        else { return nil }
        let differences = recorded.differences(from: destination)
        guard !differences.isEmpty else { return nil }
        // The inbox resumes by itself: no --resume to leave out.
        let advice =
            inbox
            ? "run the inbox with the target the journal was written for to finish it, or move the journal aside "
                + "to apply the files in active/ afresh"
            : "run with the target the journal was written for to finish it, or without --resume to start afresh"
        return "cannot resume: the journal \(journal) was written for \(recorded), this run targets \(destination) ("
            + differences.joined(separator: " and ") + (differences.count == 1 ? " differs" : " differ") + "); "
            + advice
    }

    /// The outcome of a record applied by an earlier run; nil when it still has to be applied.
    func outcome(_ sequence: Int) -> Outcome? {
        done.outcome(sequence)
    }

    /// Puts the earlier outcomes into the ledger, for the report.
    func restore(into ledger: ApplyLedger) {
        for sequence in done.sequences { ledger.restore(sequence: sequence, done.outcome(sequence)!) }
    }
}
