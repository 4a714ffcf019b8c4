import GRDB
import GRDBSQLite
import TriageCore

/// Writes the history records of one request inside its transaction (``FindingHistory``): one
/// `INSERT` per changed finding, with ids counted from the table's largest (read once per request,
/// so that ids stay unique whoever wrote last), and prunes expired records when due
/// (``FindingHistoryPruner``).
///
/// Lives within one database access, like the ``RawStatement`` it holds.
struct FindingHistoryWriter {
    /// When the records happen, epoch milliseconds.
    let time: Int64
    /// The records' source type.
    let sourceType: FindingHistory.SourceType
    /// `UpdateSource.Identity` for `BatchUpdateFindings`; `nil` for imports (the identity is
    /// then the finding's `ProductArn`, known from its key when read).
    let identity: String?
    /// The id the next record gets.
    private(set) var nextID: Int64
    private let insert: RawStatement

    /// Prepares the insert in `db`'s transaction and prunes first if `pruner` says it is due.
    init(
        _ db: Database, time: Int64, sourceType: FindingHistory.SourceType, identity: String?,
        pruner: FindingHistoryPruner
    ) throws {
        self.time = time
        self.sourceType = sourceType
        self.identity = identity
        try pruner.pruneIfDue(db, now: time)
        nextID = try Self.largestID(db) + 1
        insert = try RawStatement(
            db,
            sql: """
                INSERT INTO finding_history (history_id, previous, update_time, source, created, identity, updates)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """)
    }

    /// A writer of a `BatchUpdateFindings` request's records, stamped `stamp`.
    init(_ db: Database, stamp: FindingHistory.Stamp, pruner: FindingHistoryPruner) throws {
        try self.init(db, time: stamp.time, sourceType: .batchUpdateFindings, identity: stamp.identity, pruner: pruner)
    }

    /// The largest record id, 0 for none. The newest record is never pruned, so ids never come back.
    static func largestID(_ db: Database) throws -> Int64 {
        let statement = try RawStatement(db, sql: "SELECT max(history_id) FROM finding_history")
        defer { statement.finalize() }
        let result = statement.step()
        guard result == SQLITE_ROW else { throw statement.error(result) }
        return Int64(statement.int(at: 0))
    }

    func finalize() { insert.finalize() }

    /// Inserts the record with id ``nextID`` (the one the finding's `history_head` now names),
    /// after `previous` in the finding's chain, and advances ``nextID``.
    mutating func insert(previous: Int64, updates: [UInt8], created: Bool = false) throws {
        insert.bind(Int(nextID), at: 1)
        insert.bind(Int(previous), at: 2)
        insert.bind(Int(time), at: 3)
        insert.bind(sourceType.rawValue, at: 4)
        insert.bind(created ? 1 : 0, at: 5)
        insert.bind(identity, at: 6)
        insert.bind(blob: updates, at: 7)
        try insert.execute()
        nextID += 1
    }
}

/// Deletes expired history records (older than ``FindingHistory/retentionMilliseconds``) on the
/// writer's path, but not on every request: at most once per ``FindingHistory/pruneInterval``,
/// at most ``FindingHistory/pruneChunk`` records at a time (sooner again while a backlog lasts).
///
/// Records are numbered in commit order, so the expired ones are the lowest ids: a prune reads the
/// oldest chunk in id order and deletes a range of the table's key, never a scan of what stays.
/// The newest record is never deleted (its id is the counter's floor).
///
/// `@unchecked Sendable`: ``dueAt`` is touched only on the store's serial database queue.
final class FindingHistoryPruner: @unchecked Sendable {
    /// When the next prune may run, epoch milliseconds; 0 at start (the first request prunes).
    private var dueAt: Int64 = 0

    /// Prunes if due at `now`.
    func pruneIfDue(_ db: Database, now: Int64) throws {
        guard now >= dueAt else { return }
        let deleted = try Self.prune(db, now: now, limit: FindingHistory.pruneChunk)
        dueAt = deleted >= FindingHistory.pruneChunk ? now : now + FindingHistory.pruneInterval
    }

    /// Deletes up to `limit` records expired at `now` from the oldest on; returns how many.
    static func prune(_ db: Database, now: Int64, limit: Int) throws -> Int {
        let cutoff = now - FindingHistory.retentionMilliseconds
        let boundary = try RawStatement(
            db,
            sql: """
                SELECT max(history_id) FROM (
                    SELECT history_id, update_time FROM finding_history ORDER BY history_id LIMIT ?1
                ) WHERE update_time < ?2 AND history_id < (SELECT max(history_id) FROM finding_history)
                """)
        defer { boundary.finalize() }
        boundary.bind(limit, at: 1)
        boundary.bind(Int(cutoff), at: 2)
        let result = boundary.step()
        guard result == SQLITE_ROW else { throw boundary.error(result) }
        guard !boundary.isNull(at: 0) else { return 0 }
        let last = boundary.int(at: 0)
        boundary.reset()
        let delete = try RawStatement(
            db, sql: "DELETE FROM finding_history WHERE history_id <= ?1 AND update_time < ?2")
        defer { delete.finalize() }
        delete.bind(last, at: 1)
        delete.bind(Int(cutoff), at: 2)
        try delete.execute()
        return delete.changes
    }
}
