import Synchronization
import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// The embedded SQLite findings store as a batch target: one transaction per batch; or, as a
/// rehearsal, the same batches through the same statements in one transaction that is rolled
/// back, counting what would change (``RehearsalTally``).
public final class StoreTarget: ImmediateBatchTarget {
    private let store: FindingsStore
    private let clock: @Sendable () -> Int64
    /// `store:<path>`.
    public let name: String
    /// Whether this is a rehearsal: nothing is ever committed to the store.
    public let isRehearsal: Bool
    /// What the rehearsal's batches changed so far (stays empty in a real run).
    private let tally = Mutex(RehearsalTally())

    /// Opens the store at `path`, which must exist and be a findings store (`triage import`
    /// creates one); the file is inspected read-only before anything writes to it.
    ///
    /// With `rehearsal`, batches are applied exactly as in a real run, through the same
    /// statements, with the same outcomes (`FindingNotFound`, `InvalidInput` for too many
    /// `UserDefinedFields`, `FindingSizeExceeded`, duplicates), inside one transaction on the
    /// store's single connection, so a batch sees what earlier batches of the run did. That
    /// transaction is rolled back by ``finishRehearsal()`` (or when the target goes away):
    /// nothing reaches the file or its WAL. It holds the store's write lock until then, and the
    /// pages it changes stay in memory.
    /// - Throws: ``CoreError`` (``CoreError/Code/targetUnavailable``, exit status 2): no file, an empty one, another
    ///   application's database, a read-only store, or one that cannot be opened; the same for a
    ///   rehearsal as for a real run.
    /// `clock` gives the time in milliseconds since 1970 that stamps notes (`Note.UpdatedAt`);
    /// injected so that tests need no masking.
    public init(
        path: String, rehearsal: Bool = false, clock: @escaping @Sendable () -> Int64
    ) throws(CoreError) {
        self.clock = clock
        try Self.requireExisting(path)
        if access(path, W_OK) != 0 || access(Self.directory(of: path), W_OK) != 0 {
            throw .targetUnavailable(
                "store \(path) is read-only (\(String(cString: strerror(errno)))): SQLite must write the file and its -wal beside it"
            )
        }
        var options = StoreOptions()
        options.access = rehearsal ? .rehearsal : .update
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
            throw Self.targetError(error, path: path)
        }
        name = "store:\(path)"
        isRehearsal = rehearsal
    }

    /// `apply` and `export` need a store that `import` made; a missing or 0-byte file is a set-up
    /// error, not an empty store.
    package static func requireExisting(_ path: String) throws(CoreError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .targetUnavailable(
                "no findings store at \(path) (create one with: triage import FILE --store \(path))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw .targetUnavailable("\(path) is not a findings store file")
        }
        guard status.st_size > 0 else { throw emptyStore(path) }
    }

    /// The set-up error for a store that failed to open: one line naming the file.
    package static func targetError(_ error: StoreError, path: String) -> CoreError {
        switch error.code {
        case .empty: emptyStore(path)
        case .notAStore: .targetUnavailable(error.message, underlying: error)
        default: .targetUnavailable("store \(path): \(error.message)", underlying: error)
        }
    }

    private static func emptyStore(_ path: String) -> CoreError {
        .targetUnavailable(
            "\(path) is empty, not a findings store (create one with: triage import FILE --store \(path))")
    }

    /// The directory a file path names its file in (`.` for a bare name).
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// SQLite has one writer, but while one batch holds it others finish their journal entries
    /// (measured: 1M decisions in 31.2 s with 1 in flight, 27.5 s with 2, 25.3 s with 4, 26.3 s
    /// with 8).
    public var defaultConcurrency: Int { 4 }

    /// Decisions for neighbouring findings update neighbouring B-tree pages: sorted windows of
    /// 262,144 decisions took a million decisions on random findings from 46.3 s to 27.5 s
    /// (README, "Performance"), for about 34 MB of memory.
    public var defaultKeyOrderWindow: Int { 262_144 }

    /// Syncs the store's WAL: every committed batch is then durable (nothing to do in a
    /// rehearsal, which commits nothing).
    public func syncApplied() throws(CoreError) {
        do {
            try store.syncCommitted()
        } catch {
            throw .targetUnavailable("store \(store.path): \(error.message)", underlying: error)
        }
    }

    /// Applies a batch in one transaction (in a rehearsal, one savepoint of the rehearsal's
    /// transaction, counted in the tally); a failed transaction fails each of its records with
    /// `InternalFailure` (nothing of it applied).
    public func apply(_ batch: PlannedBatch) -> [Outcome] {
        let now = Timestamp.rfc3339(milliseconds: clock())
        let members = batch.members.map { (sequence: $0.sequence, identifier: $0.identifier) }
        do {
            guard isRehearsal else { return try store.apply(batch: members, update: batch.update.update, now: now) }
            let (outcomes, changes) = try store.applyCountingChanges(
                batch: members, update: batch.update.update, now: now)
            tally.withLock { $0.add(changes) }
            return outcomes
        } catch {
            return Array(repeating: .failed(.internalFailure, "store: \(error.message)"), count: batch.members.count)
        }
    }

    /// What the rehearsal would change, counted over the batches applied so far; `nil` for a
    /// real run. Read it once the job has finished.
    public var rehearsalSummary: RehearsalTally? {
        isRehearsal ? tally.withLock { $0 } : nil
    }

    /// The rehearsal's changes so far, for the report; nil for a real run.
    public var rehearsalChanges: [MemberChange]? { rehearsalSummary?.entries }

    /// Ends a rehearsal: rolls its transaction back and closes the store (the target applies
    /// nothing after this). Call it once the job has finished; it does nothing for a real run or
    /// when called again. Dropping the target rolls back too.
    /// - Throws: ``CoreError`` (``CoreError/Code/targetUnavailable``) when SQLite fails to roll back or close; nothing was
    ///   committed either way.
    public func finishRehearsal() throws(CoreError) {
        do {
            try store.finishRehearsal()
        } catch {
            throw .targetUnavailable("store \(store.path): \(error.message)", underlying: error)
        }
    }
}
