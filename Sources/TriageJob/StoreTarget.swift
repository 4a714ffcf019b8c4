import TriageCore
import TriageIO
import TriageStore

#if canImport(Glibc)
import Glibc
#endif

/// The embedded SQLite findings store as a batch target: one transaction per batch.
public final class StoreTarget: BatchTarget {
    private let store: FindingsStore
    /// `store:<path>`.
    public let name: String

    /// Opens the store at `path` (it must exist: `triage import` creates it).
    public init(path: String) throws(JobError) {
        try Self.requireExisting(path)
        if access(path, W_OK) != 0 || access(RunSetup.directory(of: path), W_OK) != 0 {
            throw JobError(
                .target, "store \(path) is read-only (\(String(cString: strerror(errno)))): SQLite must write the file and its -wal beside it")
        }
        var options = StoreOptions()
        // The page cache counts towards the resident set. Decisions come in key order (the sort
        // window), so the pages being updated are few at any time: 8 MiB measured as fast as 48.
        options.cacheSizeKiB = 8 * 1024
        // Commits do not sync the WAL (`NORMAL`); with a journal, ``syncApplied()`` syncs it once
        // for every batch committed so far before their journal entries are synced (group
        // commit), so the journal never records a batch the store could lose on power failure.
        // Measured on a million decisions: 26.4 s syncing at every commit (`FULL`), 24.0–24.5 s so.
        options.synchronous = "NORMAL"
        do {
            store = try FindingsStore(path: path, options: options)
        } catch {
            throw JobError(.target, "store \(path): \(error.message)")
        }
        name = "store:\(path)"
    }

    /// `apply` and `export` need a store that `import` made; a missing file is a set-up error,
    /// not an empty store.
    static func requireExisting(_ path: String) throws(JobError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw JobError(.target, "no findings store at \(path) (create one with: triage import FILE --store \(path))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw JobError(.target, "\(path) is not a findings store file")
        }
    }

    /// SQLite has one writer, but while one batch holds it others finish their journal entries
    /// (measured: 1M decisions in 31.2 s with 1 in flight, 27.5 s with 2, 25.3 s with 4, 26.3 s
    /// with 8).
    public var defaultConcurrency: Int { 4 }

    /// Decisions for neighbouring findings update neighbouring B-tree pages: sorted windows of
    /// 262,144 decisions took a million decisions on random findings from 46.3 s to 27.5 s
    /// (README, "Performance"), for about 34 MB of memory.
    public var defaultKeyOrderWindow: Int { 262_144 }

    /// Syncs the store's WAL: every committed batch is then durable.
    public func syncApplied() throws(JobError) {
        do {
            try store.syncCommitted()
        } catch {
            throw JobError(.target, "store \(store.path): \(error.message)")
        }
    }

    /// Applies a batch in one transaction; a failed transaction fails each of its records with
    /// `InternalFailure` (nothing of it applied).
    public func apply(_ batch: PlannedBatch) -> [Outcome] {
        let now = Timestamp.rfc3339(milliseconds: Timestamp.nowMilliseconds())
        do {
            return try store.apply(
                batch: batch.members.map { (sequence: $0.sequence, identifier: $0.identifier) }, update: batch.update.update,
                now: now)
        } catch {
            return Array(repeating: .failed(.internalFailure, "store: \(error.message)"), count: batch.members.count)
        }
    }
}
