import GRDB
import GRDBSQLite
import Synchronization
import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// The embedded findings store: an SQLite file holding ASFF findings, updated the way Security
/// Hub's `BatchUpdateFindings` updates them (`docs/contract.md`: apply semantics, import).
///
/// One connection owned by one serial queue (a GRDB `DatabaseQueue`): calls from several threads
/// are serialised, each call is one transaction (in a rehearsal, one savepoint of the long
/// transaction: ``StoreOptions/Access/rehearsal``). The file runs in WAL mode with
/// `synchronous=NORMAL` (a commit survives a process crash; the last commits may be lost on power
/// failure). Layout: ``StoreSchema``. Keys and text are bound and read byte for byte
/// (``RawStatement``), and compared and ordered in byte order, SQLite's `BINARY` collation.
package final class FindingsStore: Sendable {
    /// The SQLite file.
    package let path: String
    let queue: DatabaseQueue
    /// The connection's `triage_apply_update` function (its state is set per batch).
    let updateFunction = UpdateFunction()
    /// Checkpoints the WAL off the writer's path (writable stores).
    private let checkpointer: BackgroundCheckpointer?
    /// The descriptor ``syncCommitted()`` syncs the WAL through.
    private let walSync = Mutex(WALFile())
    /// The open rehearsal (``StoreOptions/Access/rehearsal``), `nil` otherwise.
    let rehearsal: StoreRehearsal?
    /// Read-only connections for queries (``findings(_:visibleAccounts:visibleRegions:after:now:)``).
    let readers: ReaderPool
    /// Numbers the committed request transactions (``applyRequest(identifiers:update:now:updatableAccounts:updatableRegions:history:)``).
    let commits = CommitCounter()
    /// Requests waiting for the writer, committed together (``RequestGroup``).
    let requestGroup = RequestGroup()
    /// Prunes expired finding history on the writer's path (``FindingHistoryPruner``).
    let historyPruner = FindingHistoryPruner()

    /// Opens the store at `path` as `options.access` says (creating or initialising it for
    /// ``StoreOptions/Access/create``) and brings its schema up to date.
    ///
    /// The file is inspected read-only first (``StoreProbe``); only a findings store, or for
    /// `create` a missing or empty file, is then opened for writing.
    /// - Throws: ``StoreError`` `CannotOpen` (missing directory, permissions; a missing file
    ///   unless `create`), `Empty` (0 bytes or no schema, unless `create`), `ReadOnly`, `Corrupt`
    ///   (not an SQLite file), `NotAStore` (another application's database), `NewerSchema`.
    package init(path: String, options: StoreOptions = StoreOptions()) throws(StoreError) {
        self.path = path
        let access = options.access
        readers = ReaderPool(
            path: path, capacity: options.readers, cacheSizeKiB: options.readerCacheSizeKiB,
            busyTimeoutSeconds: options.busyTimeoutSeconds)
        // A WAL with frames in it, left by a crash or another process: a rehearsal must not let
        // its connection's close checkpoint it into the file.
        let walHasFrames = Self.fileSize(path + "-wal") > 0
        let probe = try StoreProbe(path: path)
        switch probe.contents {
        case .missing where access != .create:
            throw StoreError(code: .cannotOpen, message: "no findings store at \(path)")
        case .empty where access != .create:
            throw StoreError(code: .empty, message: "\(path) is empty, not a findings store")
        case .store(current: false) where access == .readOnly || access == .rehearsal:
            throw StoreError(
                code: .readOnly,
                message: "the findings store at \(path) needs a schema upgrade, which "
                    + (access == .readOnly ? "a read-only open" : "a rehearsal") + " does not make")
        default:
            break
        }
        var configuration = Configuration()
        configuration.label = "triage.store"
        configuration.readonly = access == .readOnly
        configuration.busyMode = .timeout(options.busyTimeoutSeconds)
        configuration.publicStatementArguments = false
        // A rehearsal keeps its transaction open across database accesses.
        configuration.allowsUnsafeTransactions = access == .rehearsal
        let function = updateFunction
        configuration.prepareDatabase { db in
            if let connection = db.sqliteConnection { try function.register(on: connection) }
            switch access {
            case .create, .update:
                try db.execute(sql: "PRAGMA page_size = \(options.pageSize)")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(options.walAutocheckpointPages)")
            case .rehearsal:
                // Dirty pages stay in memory: a spill would write them to the WAL (or the file).
                try db.execute(sql: "PRAGMA cache_spill = OFF")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            case .readOnly:
                break
            }
            try db.execute(sql: "PRAGMA synchronous = \(options.synchronous)")
            try db.execute(sql: "PRAGMA cache_size = -\(options.cacheSizeKiB)")
            try db.execute(sql: "PRAGMA mmap_size = \(options.mmapSize)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Debian builds SQLite with SECURE_DELETE on: every rewritten row would also zero its
            // old cell. The findings live in this file anyway; skip the extra work.
            try db.execute(sql: "PRAGMA secure_delete = OFF")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { db in
                try Self.checkOwnership(db, path: path)
                if try StoreSchema.migrator.hasBeenSuperseded(db) {
                    throw StoreError(
                        code: .newerSchema, message: "the findings store at \(path) was written by a newer triage")
                }
            }
            if access == .create || access == .update {
                try StoreSchema.migrator.migrate(queue)
                // A bulk load that died before building its indexes (``bulkLoad(_:)``).
                try queue.write { db in try StoreSchema.ensureQueryIndexes(db) }
            }
            if access == .rehearsal {
                try queue.inDatabase { db in try db.execute(sql: "BEGIN IMMEDIATE TRANSACTION") }
                // The probe's read-only connection outlives the writer, so that the writer's close
                // is not the last one and does not checkpoint a WAL that has frames; a read-only
                // connection never checkpoints.
                rehearsal = StoreRehearsal(reader: walHasFrames ? probe.reader : nil)
            } else {
                rehearsal = nil
            }
            if (access == .create || access == .update) && options.backgroundCheckpoint {
                let checkpointer = try BackgroundCheckpointer(
                    path: path, threshold: options.walAutocheckpointPages, synchronous: options.synchronous)
                queue.inDatabase { db in
                    if let connection = db.sqliteConnection { checkpointer.register(onWriter: connection) }
                }
                self.checkpointer = checkpointer
            } else {
                checkpointer = nil
            }
        } catch {
            throw StoreError.wrapping(error, action: "opening", path: path)
        }
    }

    deinit {
        if rehearsal != nil { try? finishRehearsal() }
        // The WAL hook points at the checkpointer: remove it before either goes.
        if checkpointer != nil {
            queue.inDatabase { db in
                if let connection = db.sqliteConnection { sqlite3_wal_hook(connection, nil, nil) }
            }
            checkpointer?.waitUntilIdle()
        }
    }

    /// The size of the file at `path` in bytes, 0 when there is none.
    private static func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Makes every transaction committed so far durable by syncing the WAL file (`fdatasync`):
    /// with `synchronous=NORMAL` a commit does not sync, so a caller that records commits
    /// elsewhere (the run journal) syncs once for many of them (group commit).
    /// A rehearsal commits nothing: there is nothing to sync.
    package func syncCommitted() throws(StoreError) {
        guard rehearsal == nil else { return }
        try walSync.withLock { (file: inout WALFile) throws(StoreError) in try file.sync(path: path + "-wal") }
    }

    /// Refuses SQLite files of other applications once more on the writing connection (the
    /// probe did before it opened): a foreign `application_id`, or no `application_id` but a
    /// schema or a `user_version`.
    private static func checkOwnership(_ db: Database, path: String) throws {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID == StoreSchema.applicationID { return }
        let userVersion = try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        if applicationID != 0 || userVersion != 0 || objects > 0 {
            throw StoreError(
                code: .notAStore, message: "\(path) is an SQLite database of another application, not a findings store")
        }
    }

    /// The number of stored findings.
    package func count() throws(StoreError) -> Int {
        try read("counting findings") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM finding") ?? 0 }
    }

    /// The stored finding as composed ASFF JSON (compact, one line), or `nil` if there is none.
    /// The key is matched byte for byte (`Id`s that differ after a NUL are different findings).
    package func finding(_ identifier: FindingIdentifier) throws(StoreError) -> [UInt8]? {
        try read("reading a finding") { db in try Self.composedFinding(identifier, in: db) }
    }

    /// The stored finding with `identifier` composed, read in `db`'s transaction, or `nil`.
    static func composedFinding(_ identifier: FindingIdentifier, in db: Database) throws -> [UInt8]? {
        let statement = try RawStatement(
            db,
            sql: """
                SELECT f.customer_state, f.owned, d.body FROM finding f
                JOIN finding_document d ON d.document_id = f.document_id
                WHERE f.product_arn = ?1 AND f.id = ?2
                """)
        defer { statement.finalize() }
        statement.bind(identifier.productArn, at: 1)
        statement.bind(identifier.id, at: 2)
        let result = statement.step()
        guard result == SQLITE_ROW else {
            if result == SQLITE_DONE { return nil }
            throw statement.error(result)
        }
        var out: [UInt8] = []
        try statement.withBlob(at: 0) { state in
            try statement.withBlob(at: 2) { body in
                try compose(state: state, owned: statement.int(at: 1), provider: body, into: &out)
            }
        }
        return out
    }

    /// Calls `body` with each stored finding as composed ASFF JSON (compact, no newline), sorted
    /// by (`ProductArn`, `Id`) in byte order (SQLite's `BINARY` collation compares the whole
    /// bytes, NULs included), inside one read transaction. Memory stays flat: one
    /// finding at a time. An error thrown by `body` stops the export and is rethrown as is.
    package func exportAll(_ body: ([UInt8]) throws -> Void) throws {
        do {
            try queue.read { db in
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT f.customer_state, f.owned, d.body FROM finding f
                        JOIN finding_document d ON d.document_id = f.document_id
                        ORDER BY f.product_arn, f.id
                        """)
                var out: [UInt8] = []
                while let row = try rows.next() {
                    out.removeAll(keepingCapacity: true)
                    try row.withUnsafeData(atIndex: 0) { state in
                        try row.withUnsafeData(atIndex: 2) { provider in
                            try StoreBytes.withBytes(state) { state in
                                try StoreBytes.withBytes(provider) { provider in
                                    try Self.compose(state: state, owned: row[1], provider: provider, into: &out)
                                }
                            }
                        }
                    }
                    try body(out)
                }
            }
        } catch let error as DatabaseError {
            throw StoreError.wrapping(error, action: "exporting", path: path)
        }
    }

    /// Composes a finding from its stored `customer_state`, `owned` and document `body`.
    private static func compose(
        state: UnsafeRawBufferPointer, owned: Int, provider: UnsafeRawBufferPointer, into out: inout [UInt8]
    ) throws {
        let state = try CustomerState(encoded: state, owned: OwnedFields(rawValue: owned))
        try FindingComposer.compose(provider: provider, state: state, into: &out)
    }

    /// Runs `body` in a read transaction, mapping failures to ``StoreError``.
    func read<T>(_ action: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw StoreError.wrapping(error, action: action, path: path)
        }
    }

    /// Runs `body` in a read transaction on one of the read-only connections (``ReaderPool``),
    /// so that it reads the last commit without waiting for the writer; in a rehearsal, on the
    /// writer's connection inside the rehearsal's transaction (which only it can see).
    func readSnapshot<T>(_ action: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            guard rehearsal == nil else { return try queue.inDatabase(body) }
            return try readers.read(body)
        } catch {
            throw StoreError.wrapping(error, action: action, path: path)
        }
    }

    /// ``write(_:_:)``, also numbering the transaction in commit order (``CommitCounter``).
    func writeNumbered<T>(_ action: String, _ body: (Database) throws -> T) throws(StoreError) -> (T, commit: Int) {
        let slot = CommitCounter.Slot()
        let commits = commits
        let rehearsing = rehearsal != nil
        let value = try write(action) { db in
            let value = try body(db)
            if rehearsing {
                commits.draw(into: slot)
            } else {
                db.afterNextTransaction { _ in commits.draw(into: slot) }
            }
            return value
        }
        return (value, slot.value)
    }

    /// Runs `body` in one write transaction (in a rehearsal, a savepoint of its transaction),
    /// mapping failures to ``StoreError``.
    func write<T>(_ action: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            guard let rehearsal else { return try queue.write(body) }
            let path = path
            return try queue.inDatabase { db in try rehearsal.run(db, path: path, body) }
        } catch {
            throw StoreError.wrapping(error, action: action, path: path)
        }
    }
}

/// A descriptor on the store's WAL file, reopened if SQLite replaced the file.
struct WALFile: ~Copyable {
    private var fd: Int32 = -1
    private var inode: UInt64 = 0

    init() {}

    deinit {
        if fd >= 0 { close(fd) }
    }

    mutating func sync(path: String) throws(StoreError) {
        var status = stat()
        guard stat(path, &status) == 0 else { return }  // no WAL: nothing committed since the last checkpoint
        if fd < 0 || inode != UInt64(status.st_ino) {
            if fd >= 0 { close(fd) }
            fd = open(path, O_RDONLY | O_CLOEXEC)
            inode = UInt64(status.st_ino)
            guard fd >= 0 else {
                throw StoreError(code: .failure, message: "cannot open \(path): \(String(cString: strerror(errno)))")
            }
        }
        if fdatasync(fd) != 0 {
            throw StoreError(code: .failure, message: "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
