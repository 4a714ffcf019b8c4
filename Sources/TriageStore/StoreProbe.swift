import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// What a file holds, found out before the store opens it for writing, with a connection that
/// cannot write (`SQLITE_OPEN_READONLY`): so another application's database, a damaged file or a
/// store of a newer triage is refused before anything touches it (no switch to WAL mode, no
/// migration, no page written).
///
/// SQLite's WAL readers may create the `-shm` index (and an empty `-wal`) beside a store in WAL
/// mode that had none; the database file itself is never written. A file in rollback-journal mode
/// (another application's, typically) gets nothing beside it.
struct StoreProbe {
    /// What the file is.
    enum Contents: Equatable {
        /// No file at the path.
        case missing
        /// A 0-byte file, or an SQLite database without any schema object, `application_id` or
        /// `user_version`: nothing to lose, nothing to read.
        case empty
        /// A findings store; `current` when every migration this triage knows has run.
        case store(current: Bool)
    }

    /// What the file at the path is.
    let contents: Contents
    /// The read-only connection, kept open for a caller that needs a reader beside its writer
    /// (``FindingsStore``'s rehearsal); `nil` for a missing or 0-byte file.
    let reader: DatabaseQueue?

    /// Inspects the file at `path` without writing to it.
    ///
    /// - Throws: ``StoreError`` `CannotOpen` (not a regular file, unreadable), `Corrupt` (not an
    ///   SQLite file), `NotAStore` (another application's database), `NewerSchema`.
    init(path: String) throws(StoreError) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            guard errno == ENOENT else {
                throw StoreError(
                    code: .cannotOpen,
                    message: "cannot open the findings store at \(path) (\(String(cString: strerror(errno))))")
            }
            contents = .missing
            reader = nil
            return
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw StoreError(code: .cannotOpen, message: "\(path) is not a findings store file")
        }
        guard status.st_size > 0 else {
            contents = .empty
            reader = nil
            return
        }
        var configuration = Configuration()
        configuration.label = "triage.store.probe"
        configuration.readonly = true
        configuration.publicStatementArguments = false
        configuration.busyMode = .timeout(5)
        do {
            let reader = try DatabaseQueue(path: path, configuration: configuration)
            contents = try reader.inDatabase { db in try Self.inspect(db, path: path) }
            self.reader = reader
        } catch {
            throw StoreError.wrapping(error, action: "opening", path: path)
        }
    }

    /// Reads the header fields and the schema: ours, empty, or another application's.
    private static func inspect(_ db: Database, path: String) throws -> Contents {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let userVersion = try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        guard applicationID == StoreSchema.applicationID else {
            if applicationID == 0 && userVersion == 0 && objects == 0 { return .empty }
            throw StoreError(
                code: .notAStore, message: "\(path) is an SQLite database of another application, not a findings store")
        }
        let migrator = StoreSchema.migrator
        if try migrator.hasBeenSuperseded(db) {
            throw StoreError(code: .newerSchema, message: "the findings store at \(path) was written by a newer triage")
        }
        return .store(current: try migrator.hasCompletedMigrations(db))
    }
}
