import GRDB
import GRDBSQLite

/// A prepared statement used through SQLite's C API on the hot paths, where GRDB's `Row` and
/// `StatementArguments` would copy every value. Finalized by ``finalize()``; lives within one
/// database access (one transaction).
struct RawStatement {
    /// `SQLITE_TRANSIENT`: SQLite copies the bound bytes.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    let handle: OpaquePointer
    let connection: OpaquePointer

    /// Prepares `sql` on the connection of `db`.
    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "connection closed")
        }
        var handle: OpaquePointer?
        let result = sqlite3_prepare_v3(connection, sql, -1, 0, &handle, nil)
        guard result == SQLITE_OK, let handle else { throw Self.error(result, connection: connection) }
        self.handle = handle
        self.connection = connection
    }

    /// Releases the statement.
    func finalize() { sqlite3_finalize(handle) }

    /// Binds an integer to parameter `index` (1-based).
    func bind(_ value: Int, at index: Int32) { sqlite3_bind_int64(handle, index, Int64(value)) }

    /// Binds text to parameter `index` (1-based); `nil` binds NULL.
    func bind(_ value: String?, at index: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        var text = value
        text.withUTF8 { utf8 in
            _ = sqlite3_bind_text(handle, index, utf8.baseAddress, Int32(utf8.count), Self.transient)
        }
    }

    /// Binds two texts (without copying them) to parameters `firstIndex` and `secondIndex`, runs
    /// the statement to completion and resets it; returns SQLite's result code.
    func run(binding first: String, at firstIndex: Int32, _ second: String, at secondIndex: Int32) -> Int32 {
        var first = first
        var second = second
        return first.withUTF8 { firstUTF8 in
            second.withUTF8 { secondUTF8 in
                // SQLITE_STATIC (nil): the bytes outlive the step; the reset below ends their use.
                sqlite3_bind_text(handle, firstIndex, firstUTF8.baseAddress, Int32(firstUTF8.count), nil)
                sqlite3_bind_text(handle, secondIndex, secondUTF8.baseAddress, Int32(secondUTF8.count), nil)
                return run()
            }
        }
    }

    /// Runs the statement to completion (a write) and resets it; returns SQLite's result code
    /// (`SQLITE_DONE` on success).
    func run() -> Int32 {
        let result = sqlite3_step(handle)
        sqlite3_reset(handle)
        return result
    }

    /// Rows changed by the last completed statement on the connection.
    var changes: Int { Int(sqlite3_changes(connection)) }

    /// A GRDB error for `result`, with SQLite's message (which never quotes bound values).
    static func error(_ result: Int32, connection: OpaquePointer) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: result), message: String(cString: sqlite3_errmsg(connection)))
    }

    /// The error for the statement's last failure.
    func error(_ result: Int32) -> DatabaseError { Self.error(result, connection: connection) }
}
