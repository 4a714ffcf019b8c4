import GRDB

/// A failure of the findings store as a whole (it cannot be opened, read or written); per-finding
/// results are ``TriageCore/Outcome`` and ``ImportOutcome`` values instead.
///
/// The message is one line and never contains bound values (finding contents or identifiers):
/// GRDB hides statement arguments unless told otherwise, and SQLite's own messages name only
/// tables and columns.
package struct StoreError: Error, CustomStringConvertible {
    /// What went wrong, for callers that branch on it (the CLI maps all of them to exit status 2).
    package enum Code: String, Sendable {
        /// The file cannot be opened or created (missing directory, permissions), or it is missing
        /// where an existing store is needed.
        case cannotOpen = "CannotOpen"
        /// The file or its directory is read-only.
        case readOnly = "ReadOnly"
        /// The file is not an SQLite database or is damaged.
        case corrupt = "Corrupt"
        /// An SQLite database of another application.
        case notAStore = "NotAStore"
        /// A 0-byte file, or an SQLite database without any schema, where an existing store is
        /// needed (`apply`, `export`).
        case empty = "Empty"
        /// The store was written by a newer triage (unknown schema migrations).
        case newerSchema = "NewerSchema"
        /// The disk is full.
        case full = "Full"
        /// Another process holds the write lock past the busy timeout.
        case busy = "Busy"
        /// Any other SQLite or I/O failure.
        case failure = "Failure"
        /// A page cursor (`after` of ``FindingsStore/findings(_:visibleAccounts:visibleRegions:after:now:)``) that
        /// the store did not issue for a query of this order: malformed or forged. A server
        /// answers `InvalidInputException`.
        case invalidCursor = "InvalidCursor"
    }

    /// The kind of failure.
    package var code: Code
    /// One line, e.g. `cannot open the findings store at /x/findings.sqlite (SQLite error 14: ...)`.
    package var message: String
    /// The GRDB error behind it, if any (for logs; its description names SQL, never values).
    package var underlying: (any Error)?

    /// An error with a code, a message and the error behind it.
    package init(code: Code, message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `<Code>: <message>`.
    package var description: String { "\(code.rawValue): \(message)" }

    /// Maps any error thrown by GRDB while doing `action` (e.g. "apply a batch") on the store at `path`.
    static func wrapping(_ error: any Error, action: String, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let database = error as? DatabaseError else {
            return StoreError(
                code: .failure, message: "\(action) failed for the findings store at \(path)", underlying: error)
        }
        let detail = "SQLite error \(database.extendedResultCode.rawValue): \(database.message ?? "no message")"
        var mapped: StoreError
        switch database.resultCode.primaryResultCode {
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            mapped = StoreError(code: .cannotOpen, message: "cannot open the findings store at \(path) (\(detail))")
        case .SQLITE_READONLY:
            mapped = StoreError(code: .readOnly, message: "the findings store at \(path) is read-only (\(detail))")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            mapped = StoreError(
                code: .corrupt, message: "the findings store at \(path) is not a valid SQLite database (\(detail))")
        case .SQLITE_FULL:
            mapped = StoreError(code: .full, message: "disk full while writing the findings store at \(path)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            mapped = StoreError(code: .busy, message: "the findings store at \(path) is locked by another process")
        default:
            mapped = StoreError(
                code: .failure, message: "\(action) failed for the findings store at \(path) (\(detail))")
        }
        mapped.underlying = database
        return mapped
    }
}
