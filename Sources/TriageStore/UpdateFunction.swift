import GRDBSQLite
import TriageCore

/// The SQL function `triage_apply_update(customer_state, provider_bytes, aws_account_id)` through which
/// ``FindingsStore/apply(batch:update:now:)`` updates a finding in a single `UPDATE` statement
/// (one B-tree descent per finding, the stored state read in place without copying).
///
/// It applies the batch's update (set in ``update`` and ``now`` before the batch) to the stored
/// state and returns the new state. A finding whose account is not in ``updatableAccounts`` (when
/// set) fails with `FindingNotFound` and is not changed. When the update is invalid for the finding it records the
/// per-finding code in ``failure`` and raises an SQL error, which aborts that statement only (the
/// row is unchanged, the transaction goes on).
///
/// When the batch records history (``recordsHistory``, `triage serve`), a second function,
/// `triage_history_head(customer_state, provider_bytes, aws_account_id, history_head)`, sets the
/// finding's `history_head`: the id of the record about to be written (``nextHistoryID``) when the
/// update changed the finding, else the old head. Both functions compute the row once (whichever
/// SQLite calls first, after ``beginRow()``): the new state and its changes
/// (``FindingHistoryChanges``) come from the old state the statement reads in place, so history
/// costs no read of its own.
///
/// `@unchecked Sendable`: the mutable members are touched only on the store's serial database
/// queue (the `DatabaseQueue`'s dispatch queue), which is the lock.
final class UpdateFunction: @unchecked Sendable {
    /// The SQL name.
    static let name = "triage_apply_update"
    /// The SQL name of the history head function.
    static let headName = "triage_history_head"

    /// The update of the batch being applied.
    var update: FindingUpdate?
    /// `Note.UpdatedAt` for the batch.
    var now = ""
    /// The accounts whose findings the batch may update; `nil` for all.
    var updatableAccounts: AccountSet?
    /// The code of the last failed call, cleared by the caller.
    var failure: ErrorCode?
    /// When counting changes: the members the batch's update sets; `nil` otherwise.
    var countedMembers: [UpdatedMember]?
    /// When counting: after a successful call, bit `i` set when the finding already had
    /// `countedMembers[i]` as the update sets it.
    var alreadySo: UInt64 = 0
    /// Whether the batch records history: each row's changes are computed.
    var recordsHistory = false
    /// The id the next history record gets (set per batch, advanced per record written).
    var nextHistoryID: Int64 = 1
    /// The current row's changes (`Updates` JSON), `nil` when it changed nothing; valid after
    /// the statement ran.
    private(set) var rowChanges: [UInt8]?
    /// The current row's `history_head` before the statement.
    private(set) var rowPreviousHead: Int64 = 0
    /// The current row's new state, computed by whichever function SQLite called first.
    private var rowState: [UInt8]?
    /// Whether the current row is still to be computed.
    private var rowPending = true

    /// Starts a row: the next call of either function computes it.
    func beginRow() {
        rowPending = true
        rowState = nil
        rowChanges = nil
        rowPreviousHead = 0
    }

    /// Registers the function on `connection`; the connection keeps `self` alive.
    func register(on connection: OpaquePointer) throws {
        let userData = Unmanaged.passRetained(self).toOpaque()
        let result = sqlite3_create_function_v2(
            connection, Self.name, 3, SQLITE_UTF8 | SQLITE_DIRECTONLY, userData,
            { context, count, arguments in
                guard let context, let arguments, count == 3, let userData = sqlite3_user_data(context) else { return }
                Unmanaged<UpdateFunction>.fromOpaque(userData).takeUnretainedValue()
                    .evaluate(context, state: arguments[0], providerBytes: arguments[1], account: arguments[2])
            }, nil, nil,
            { userData in
                if let userData { Unmanaged<UpdateFunction>.fromOpaque(userData).release() }
            })
        guard result == SQLITE_OK else {
            Unmanaged<UpdateFunction>.fromOpaque(userData).release()
            throw RawStatement.error(result, connection: connection)
        }
        // The head function borrows the same object (no destructor: the first function owns it).
        let head = sqlite3_create_function_v2(
            connection, Self.headName, 4, SQLITE_UTF8 | SQLITE_DIRECTONLY, userData,
            { context, count, arguments in
                guard let context, let arguments, count == 4, let userData = sqlite3_user_data(context) else { return }
                Unmanaged<UpdateFunction>.fromOpaque(userData).takeUnretainedValue()
                    .evaluateHead(
                        context, state: arguments[0], providerBytes: arguments[1], account: arguments[2],
                        head: arguments[3])
            }, nil, nil, nil)
        guard head == SQLITE_OK else { throw RawStatement.error(head, connection: connection) }
    }

    private func evaluate(
        _ context: OpaquePointer, state stateValue: OpaquePointer?, providerBytes bytesValue: OpaquePointer?,
        account accountValue: OpaquePointer?
    ) {
        guard computeRow(context, state: stateValue, providerBytes: bytesValue, account: accountValue),
            let state = rowState
        else { return }
        state.withUnsafeBytes { bytes in
            sqlite3_result_blob(context, bytes.baseAddress, Int32(bytes.count), RawStatement.transient)
        }
    }

    private func evaluateHead(
        _ context: OpaquePointer, state stateValue: OpaquePointer?, providerBytes bytesValue: OpaquePointer?,
        account accountValue: OpaquePointer?, head headValue: OpaquePointer?
    ) {
        guard computeRow(context, state: stateValue, providerBytes: bytesValue, account: accountValue) else { return }
        rowPreviousHead = sqlite3_value_int64(headValue)
        sqlite3_result_int64(context, rowChanges == nil ? rowPreviousHead : nextHistoryID)
    }

    /// Computes the current row once (``beginRow()``): its new state and, when recording, its
    /// changes. Returns false after reporting a failure to SQLite.
    private func computeRow(
        _ context: OpaquePointer, state stateValue: OpaquePointer?, providerBytes bytesValue: OpaquePointer?,
        account accountValue: OpaquePointer?
    ) -> Bool {
        if !rowPending {
            guard rowState != nil else {
                sqlite3_result_error(context, (failure ?? .internalFailure).rawValue, -1)
                return false
            }
            return true
        }
        rowPending = false
        guard let update else {
            fail(context, .internalFailure)
            return false
        }
        if let updatableAccounts {
            let account = UnsafeRawBufferPointer(
                start: sqlite3_value_text(accountValue), count: Int(sqlite3_value_bytes(accountValue)))
            guard updatableAccounts.contains(bytes: account) else {
                fail(context, .findingNotFound)
                return false
            }
        }
        let stored = UnsafeRawBufferPointer(
            start: sqlite3_value_blob(stateValue), count: Int(sqlite3_value_bytes(stateValue)))
        guard let state = try? CustomerState(encoded: stored, owned: []) else {
            fail(context, .internalFailure)
            return false
        }
        switch state.applying(update, now: now, providerBytes: Int(sqlite3_value_int64(bytesValue))) {
        case .failure(let code):
            fail(context, code)
            return false
        case .success(let next):
            if let members = countedMembers {
                alreadySo = 0
                for (index, member) in members.enumerated() where member.isAlreadySo(before: state, after: next) {
                    alreadySo |= 1 << UInt64(index)
                }
            }
            if recordsHistory {
                rowChanges = FindingHistoryChanges.build { changes in
                    for field in CustomerField.allCases { changes.compare(field, before: state, after: next) }
                }
            }
            rowState = next.encoded
            return true
        }
    }

    private func fail(_ context: OpaquePointer, _ code: ErrorCode) {
        failure = code
        sqlite3_result_error(context, code.rawValue, -1)
    }
}
