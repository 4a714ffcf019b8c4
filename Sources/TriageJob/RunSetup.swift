import Synchronization
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// Everything a run prepares before the first record is read, in the order that keeps "nothing
/// was done" true when it fails (exit status 2): inputs checked, every output path checked, the
/// journal read for `--resume` and opened, the record spool created.
struct RunSetup {
    let startedAt: Int64
    /// The monotonic reading at the start: the run's duration (`seconds`) is measured on it.
    let startedMonotonic: Int64
    let catalog: InputCatalog
    let targetName: String
    /// What an interrupted run's journal says is done (nil: nothing to resume).
    let resumed: ResumePoint?
    /// Why `--resume` started afresh (the journal's last run finished, or there is none); nil when
    /// it resumed or was not asked for.
    let startedAfresh: ResumePoint.Afresh?
    let ledger: ApplyLedger
    /// The record spool the reports are rendered from; nil when no report is asked for.
    let spool: RecordSpool?
    /// The lock on the journal, held for the run (nil without a journal, or one that is not a
    /// regular file).
    let journalLock: RunLock?

    init(_ configuration: RunConfiguration, stop: StopSignal) throws(JobError) {
        startedAt = configuration.clock.wallMilliseconds()
        startedMonotonic = configuration.clock.monotonicMilliseconds()
        catalog = try InputCatalog(configuration)
        targetName = configuration.target?.name ?? "none (dry run)"
        let journalPath = configuration.dryRun ? nil : configuration.journalPath
        for (kind, path) in [
            ("report", configuration.reportPath), ("junit", configuration.junitPath),
            ("metrics", configuration.metricsPath),
        ] {
            if let path, path != "-" { try Self.checkOutput(path, kind: kind) }
        }
        // The journal is appended to in place, not replaced.
        if let journalPath { try Self.checkOutput(journalPath, kind: "journal", inPlace: true) }
        // Locked before it is read: two runs must never write one journal.
        journalLock = try journalPath.flatMap(Self.lockJournal)
        let destination = configuration.destination ?? JournalDestination(targetName: targetName)
        let resume = try ResumePoint(
            configuration, inputs: catalog.entries.map(\.name), paths: catalog.entries.map(\.path),
            destination: destination)
        startedAfresh = resume?.afresh
        resumed = startedAfresh != nil ? nil : resume

        var journal: JournalWriter?
        if let journalPath {
            do {
                let writer = try JournalWriter(path: journalPath, fresh: resumed == nil)
                try writer.begin(
                    JournalHeader(
                        inputs: catalog.entries.map(\.name),
                        fingerprints: ResumePoint.fingerprints(of: catalog.entries.map(\.path)),
                        target: targetName, destination: destination, batchSize: configuration.batchSize,
                        startedAt: Timestamp.rfc3339(milliseconds: startedAt), shard: configuration.shard))
                journal = writer
            } catch {
                throw JobError(.output, "cannot write the journal: \(error)")
            }
        }
        var syncTarget: (@Sendable () throws(JobError) -> Void)?
        if let target = configuration.target {
            syncTarget = { () throws(JobError) in
                do throws(CoreError) {
                    try target.syncApplied()
                } catch {
                    throw JobError(.target, error.message)
                }
            }
        }
        ledger = ApplyLedger(journal: journal, syncTarget: syncTarget, stop: stop)
        resumed?.restore(into: ledger)

        // Reports are rendered from a spool of every record in input order; without a report
        // there is nothing to spool.
        if configuration.reportPath != nil || configuration.junitPath != nil {
            spool = try Self.createSpool(in: configuration.temporaryDirectory, kind: "spool")
        } else {
            spool = nil
        }
    }

    /// An output path must be writable before anything is applied: a report that can only fail
    /// after the store changed would turn "nothing done" into "done, not recorded".
    static func checkOutput(_ path: String, kind: String, inPlace: Bool = false) throws(JobError) {
        do {
            try OutputPath.check(path, kind: kind, inPlace: inPlace)
        } catch {
            throw JobError(.output, "\(error)")
        }
    }

    /// Takes the lock `JOURNAL.lock` of a journal that is a regular file (or not there yet); a
    /// journal held by another run is a usage error (exit status 2) naming the holder.
    static func lockJournal(_ path: String) throws(JobError) -> RunLock? {
        if RemoteObjects.isRemote(path) { return nil }  // no lock on S3: docs/s3.md
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG { return nil }
        do {
            return try RunLock(path: path + ".lock")
        } catch {
            guard case .lockHeld(let pid) = error.code else {
                throw JobError(.output, "cannot lock the journal: \(error)")
            }
            throw JobError(
                .usage,
                "the journal \(path) is in use by another triage run" + (pid.map { " (PID \($0))" } ?? "")
                    + "; wait for it to end, or give this run another --journal")
        }
    }

    /// Spools of one process get a number each: two jobs starting in the same millisecond (tests
    /// run them side by side) must not meet at the spool's exclusive create.
    private static let spools = Atomic<Int>(0)

    /// A new record spool in `directory`, named `triage-KIND-PID-N.bin` (unlinked once open); a
    /// name left by an earlier process with the same PID is skipped.
    static func createSpool(in directory: String, kind: String) throws(JobError) -> RecordSpool {
        while true {
            let number = spools.add(1, ordering: .relaxed).newValue
            do {
                return try RecordSpool(path: "\(directory)/triage-\(kind)-\(getpid())-\(number).bin")
            } catch {
                if error.systemError == EEXIST, number < 1_000_000 { continue }
                throw JobError(.output, "cannot create the record spool in \(directory): \(error)")
            }
        }
    }
}
