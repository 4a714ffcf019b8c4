import Foundation
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The folder of `triage apply --inbox DIR`: where producers drop decision files and scheduled
/// runs take them, so that no file is lost, applied twice, or left stuck by an interrupted run.
///
/// ```
/// DIR/incoming/  producers drop files here (`*.part` and `.*` are ignored until renamed)
/// DIR/active/    files a run took; an interrupted run leaves them here for the next
/// DIR/state/     the lock (holder's PID) and the run journal
/// DIR/reports/   each run's reports, named by its start time
/// DIR/done/      files every record of which has an outcome, once the reports are in place
/// DIR/failed/    files that changed or vanished under their journal, with `NAME.why`
/// ```
///
/// A run: lock → ``prepare(stamp:destination:)`` (finish what an earlier run left, take new files) → the
/// pipeline over the files, resuming the journal → ``settle(_:)`` (files to `done/`) →
/// ``prune(keepDays:now:)``. Renames within one file system are atomic, so a kill at any point
/// leaves every file in exactly one folder; the journal says what of `active/` is applied.
public final class Inbox {
    /// The inbox's root, as given.
    public let root: String
    /// The run journal.
    public var journalPath: String { state + "/journal" }
    let incoming: String
    let active: String
    let state: String
    let reports: String
    let done: String
    let failed: String
    /// Held for the life of the inbox object (the run).
    private let lock: RunLock

    /// What a run of the inbox does: its inputs, in order, and whether it continues the journal.
    public struct Plan: Sendable {
        /// The files of `active/`, in the order they are applied: those of an interrupted run
        /// first, as its journal lists them, then the files taken now, by name.
        public var inputs: [String]
        /// Whether the journal holds an interrupted run over the first of `inputs`.
        public var resumes: Bool
        /// Files taken from `incoming/` now.
        public var taken: Int
        /// What happened on the way, one line each (files set aside, a journal moved aside).
        public var notes: [String]
        /// `reports/STAMP.json` and `reports/STAMP.junit.xml`.
        public var reportPath: String
        public var junitPath: String
    }

    /// Opens the inbox at `root`, creating its folders, and takes its lock: a second run exits
    /// at once (usage error, exit status 2) naming the holder's PID.
    public init(root: String) throws(JobError) {
        self.root = root
        incoming = root + "/incoming"
        active = root + "/active"
        state = root + "/state"
        reports = root + "/reports"
        done = root + "/done"
        failed = root + "/failed"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            // Never made here: a mistyped path would be an inbox that is always empty, every night green.
            throw JobError(.usage, "--inbox \(root) is not a directory; create it first: mkdir -p \(root)/incoming")
        }
        for folder in [incoming, active, state, reports, done, failed] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw JobError(.output, "cannot create \(folder): \(Self.reason(error))")
            }
        }
        do {
            lock = try RunLock(path: state + "/lock")
        } catch {
            guard case .lockHeld(let pid) = error.code else {
                throw JobError(.output, "cannot lock the inbox: \(error)")
            }
            throw JobError(
                .usage,
                "the inbox \(root) is in use by another triage run" + (pid.map { " (PID \($0))" } ?? "")
                    + "; this run took nothing")
        }
    }

    // MARK: Before the run

    /// Finishes what an earlier run left in `active/` (files already done move to `done/`; files
    /// changed or vanished under the journal move to `failed/`), then takes the files waiting in
    /// `incoming/`, in name order. `stamp` names the reports. An interrupted run whose journal was
    /// written for another destination than `destination` (this run's) is refused before anything
    /// moves (exit status 2).
    package func prepare(stamp: String, destination: JournalDestination?) throws(JobError) -> Plan {
        var notes: [String] = []
        var (inputs, resumes) = try carriedOver(notes: &notes, destination: destination)
        var taken = 0
        for name in try Self.names(in: incoming) where Self.isReady(name) {
            let source = incoming + "/" + name
            guard Self.isRegularFile(source) else {
                notes.append("\(source) is not a regular file (a link, folder or FIFO): left where it is")
                continue
            }
            let target = active + "/" + name
            if FileManager.default.fileExists(atPath: target) {
                notes.append("\(source) waits: a file of that name is still in active/")
                continue
            }
            guard rename(source, target) == 0 else {
                throw JobError(.output, "cannot move \(source) to active/: \(TriageIOError.text(errno))")
            }
            inputs.append(target)
            taken += 1
        }
        if inputs.isEmpty { resumes = false }
        let base = uniqueReportBase(stamp)
        return Plan(
            inputs: inputs, resumes: resumes, taken: taken, notes: notes, reportPath: base + ".json",
            junitPath: base + ".junit.xml")
    }

    /// The files an earlier run left in `active/`, in the order to apply them, and whether the
    /// journal resumes them.
    private func carriedOver(notes: inout [String], destination: JournalDestination?) throws(JobError) -> (
        [String], Bool
    ) {
        let present = try Self.names(in: active).filter { !$0.hasPrefix(".") }.map { active + "/" + $0 }
        guard FileManager.default.fileExists(atPath: journalPath) else { return (present, false) }
        let runs: [JournalReader.Run]
        do {
            runs = try JournalReader.read(path: journalPath) { _, _ in }
        } catch {
            let aside = try setJournalAside("damaged")
            notes.append(
                "the journal was damaged (\(error)); moved to \(aside): the files in active/ are applied again "
                    + "(same values; a Note gets a new UpdatedAt)")
            return (present, false)
        }
        guard let last = runs.last else { return (present, false) }
        if !last.finished {
            for run in runs {
                if let refusal = ResumePoint.refusal(
                    run.header, journal: journalPath, destination: destination, inbox: true)
                {
                    throw JobError(.usage, refusal + "; this run took nothing")
                }
            }
        }
        let fingerprints = ResumePoint.fingerprints(of: last.header.inputs.map(InputPath.init))
        var moved: [String] = []
        for (index, input) in last.header.inputs.enumerated() {
            let recorded = index < last.header.fingerprints.count ? last.header.fingerprints[index] : ""
            if !FileManager.default.fileExists(atPath: input) {
                moved.append(input)
                try writeWhy(input, "it vanished from active/ while its run's journal still needed it")
            } else if !recorded.isEmpty, fingerprints[index] != recorded {
                moved.append(input)
                try moveToFailed(
                    input,
                    why: "it changed in active/ after a run took it (size and modification time differ "
                        + "from the journal's)")
            }
        }
        let journaled = Set(last.header.inputs)
        let others = present.filter { !journaled.contains($0) }
        if last.finished {
            // Applied and reported; killed before the files moved on.
            let finished = last.header.inputs.filter { !moved.contains($0) }
            try moveToDone(finished)
            if !finished.isEmpty { notes.append("\(finished.count) file(s) applied by the last run moved to done/") }
            return (others, false)
        }
        if !moved.isEmpty {
            let aside = try setJournalAside("orphaned")
            notes.append(
                "\(moved.count) file(s) of the interrupted run moved to failed/ (see the .why files); its journal "
                    + "moved to \(aside): the rest of its files are applied again (same values; a Note gets a new "
                    + "UpdatedAt)")
            return (last.header.inputs.filter { !moved.contains($0) } + others, false)
        }
        notes.append("resuming the interrupted run over \(last.header.inputs.count) file(s) in active/")
        return (last.header.inputs + others, true)
    }

    // MARK: After the run

    /// Moves the run's files to `done/` once every record has an outcome and the reports are in
    /// place; otherwise they stay in `active/` for the next run. Returns what it did, one line.
    public func settle(_ plan: Plan, _ result: RunResult) throws(JobError) -> String {
        guard result.remaining == 0, !result.interrupted, result.outputFailures.isEmpty else {
            return "\(plan.inputs.count) file(s) stay in active/ for the next run"
        }
        try moveToDone(plan.inputs)
        return "\(plan.inputs.count) file(s) moved to done/"
    }

    /// Removes files of `done/` that went there, and reports written, more than `keepDays` days
    /// before `now`'s wall time (0: keep everything). Returns how many it removed.
    public func prune(keepDays: Int, now: JobClock) -> Int {
        guard keepDays > 0 else { return 0 }
        let limit = Double(now.wallMilliseconds()) / 1000 - Double(keepDays) * 86_400
        var removed = 0
        // A file moved to done/ is stamped then (``moveToDone(_:)``): its age is its time there.
        for folder in [done, reports] {
            for name in (try? Self.names(in: folder)) ?? [] {
                let path = folder + "/" + name
                var status = stat()
                guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
                if Double(status.st_mtim.tv_sec) < limit, unlink(path) == 0 { removed += 1 }
            }
        }
        return removed
    }

    // MARK: Moves

    private func moveToDone(_ paths: [String]) throws(JobError) {
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let name = (path as NSString).lastPathComponent
            let target = Self.free(done + "/" + name)
            try move(path, to: target)
            // Its modification time becomes the time it was done, which --keep counts from.
            _ = utimes(target, nil)
        }
    }

    private func moveToFailed(_ path: String, why: String) throws(JobError) {
        let target = Self.free(failed + "/" + (path as NSString).lastPathComponent)
        try move(path, to: target)
        try write(why + "\n", to: target + ".why")
    }

    private func writeWhy(_ path: String, _ why: String) throws(JobError) {
        try write(why + "\n", to: Self.free(failed + "/" + (path as NSString).lastPathComponent) + ".why")
    }

    private func setJournalAside(_ kind: String) throws(JobError) -> String {
        let aside = Self.free(journalPath + "." + kind)
        try move(journalPath, to: aside)
        return aside
    }

    private func move(_ path: String, to target: String) throws(JobError) {
        guard rename(path, target) == 0 else {
            throw JobError(.output, "cannot move \(path) to \(target): \(TriageIOError.text(errno))")
        }
    }

    private func write(_ text: String, to path: String) throws(JobError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw JobError(.output, "cannot write \(path): \(Self.reason(error))")
        }
    }

    /// `reports/STAMP`, or `reports/STAMP-2`, ... when a run of the same second wrote there.
    private func uniqueReportBase(_ stamp: String) -> String {
        var base = reports + "/" + stamp
        var number = 2
        while FileManager.default.fileExists(atPath: base + ".json") {
            base = reports + "/\(stamp)-\(number)"
            number += 1
        }
        return base
    }

    /// `path`, or `path.2`, `path.3`, ... when it is taken.
    private static func free(_ path: String) -> String {
        var candidate = path
        var number = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = "\(path).\(number)"
            number += 1
        }
        return candidate
    }

    // MARK: Folders

    /// Whether a producer is done with `name`: not hidden, not a partial upload.
    static func isReady(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix(".part")
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// The names in `folder`, sorted by their bytes.
    private static func names(in folder: String) throws(JobError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted {
                Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
            }
        } catch {
            throw JobError(.badInput, "cannot list \(folder): \(reason(error))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? CocoaError, let underlying = error.userInfo[NSUnderlyingErrorKey] as? POSIXError {
            return TriageIOError.text(underlying.code.rawValue)
        }
        return error.localizedDescription
    }
}
