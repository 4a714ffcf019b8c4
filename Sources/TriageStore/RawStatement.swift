import GRDB
import GRDBSQLite

/// A prepared statement used through SQLite's C API, wherever the store binds or reads text.
///
/// Text goes in and comes out with its length, byte for byte: a finding's `Id` may hold any
/// character, NUL included, and GRDB binds a `String` as a C string (`sqlite3_bind_text` with
/// length -1) and reads one with `String(cString:)`, both of which stop at the first NUL. So the
/// store never passes text through GRDB's `StatementArguments` or `Row`; it also avoids their
/// copies on the hot paths. Finalized by ``finalize()``; lives within one database access (one
/// transaction).
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

    /// Binds an integer to parameter `index` (1-based); `nil` binds NULL.
    func bind(_ value: Int?, at index: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        bind(value, at: index)
    }

    /// Binds `bytes` as a blob to parameter `index` (1-based); SQLite copies them.
    func bind(blob bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBytes { buffer in
            // A non-null pointer even for no bytes: a null one would bind NULL, not an empty blob.
            let start = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
            _ = sqlite3_bind_blob(handle, index, start, Int32(buffer.count), Self.transient)
        }
    }

    /// Binds `bytes` as text (their encoding is not checked) to parameter `index` (1-based).
    func bind(textBytes bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBytes { buffer in
            let start = buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
            _ = sqlite3_bind_text(
                handle, index, start?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), Self.transient)
        }
    }

    /// Column `index` (0-based) of the current row: `true` when it is NULL.
    func isNull(at index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

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

    /// Advances to the next row: `SQLITE_ROW`, `SQLITE_DONE` or an error code. The statement keeps
    /// its row (and the columns their bytes) until the next step or ``reset()``.
    func step() -> Int32 { sqlite3_step(handle) }

    /// Resets the statement for another run (bindings are kept until they are replaced).
    func reset() { sqlite3_reset(handle) }

    /// Column `index` (0-based) of the current row as text, all its bytes; `nil` for NULL.
    func text(at index: Int32) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
        // The pointer first, then the length (SQLite's rule: the text conversion may change it).
        let start = sqlite3_column_text(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        guard let start, count > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// Column `index` (0-based) of the current row as an integer (0 for NULL).
    func int(at index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

    /// Calls `body` with the bytes of column `index` (0-based) of the current row as a blob, in
    /// place; valid only inside `body`.
    func withBlob<T>(at index: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let start = sqlite3_column_blob(handle, index)
        let count = Int(sqlite3_column_bytes(handle, index))
        return try body(UnsafeRawBufferPointer(start: count > 0 ? start : nil, count: count))
    }

    /// Runs the statement to completion and resets it; throws SQLite's error unless it is done.
    func execute() throws {
        let result = run()
        guard result == SQLITE_DONE else { throw error(result) }
    }

    /// The row id of the last row inserted on the connection.
    var lastInsertedRowID: Int { Int(sqlite3_last_insert_rowid(connection)) }

    /// Rows changed by the last completed statement on the connection.
    var changes: Int { Int(sqlite3_changes(connection)) }

    /// A GRDB error for `result`, with SQLite's message (which never quotes bound values).
    static func error(_ result: Int32, connection: OpaquePointer) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: result), message: String(cString: sqlite3_errmsg(connection)))
    }

    /// The error for the statement's last failure.
    func error(_ result: Int32) -> DatabaseError { Self.error(result, connection: connection) }
}
