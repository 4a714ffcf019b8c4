import GRDB
import Synchronization

/// The state of a store opened for a rehearsal (``StoreOptions/Access/rehearsal``): one
/// transaction, begun at open, that every batch runs inside (each in a savepoint of its own) and
/// that ``FindingsStore/finishRehearsal()`` rolls back.
final class StoreRehearsal: Sendable {
    /// Set once the transaction is rolled back: no batch runs after that.
    let finished = Atomic<Bool>(false)
    /// A read-only connection kept open until the writer has closed (see ``FindingsStore``'s
    /// initialiser), or `nil`.
    private let reader: Mutex<DatabaseQueue?>

    init(reader: DatabaseQueue?) {
        self.reader = Mutex(reader)
    }

    /// Runs `body` in a savepoint of the rehearsal's transaction on `db` (the writer's queue).
    ///
    /// SQLite ends a transaction by itself after some failures (disk full, I/O errors); a batch
    /// never runs outside it, where its changes would be committed.
    func run<T>(_ db: Database, path: String, _ body: (Database) throws -> T) throws -> T {
        guard !finished.load(ordering: .acquiring) else {
            throw StoreError(code: .failure, message: "the rehearsal on the findings store at \(path) is finished")
        }
        guard db.isInsideTransaction else {
            throw StoreError(
                code: .failure, message: "the rehearsal's transaction on the findings store at \(path) has ended")
        }
        var result: T?
        try db.inSavepoint {
            result = try body(db)
            return .commit
        }
        guard let result else {
            throw StoreError(
                code: .failure, message: "a rehearsal step on the findings store at \(path) returned nothing")
        }
        return result
    }

    /// Closes the read-only connection (after the writer's).
    func closeReader() {
        reader.withLock { reader in
            try? reader?.close()
            reader = nil
        }
    }
}
