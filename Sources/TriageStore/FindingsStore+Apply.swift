import GRDB
import GRDBSQLite
import TriageCore

extension FindingsStore {
    /// Applies one `BatchUpdateFindings` request to the stored findings
    /// (`docs/contract.md`, apply semantics) in one transaction, and returns one outcome per
    /// member of `batch`, in the members' order.
    ///
    /// Rows are visited in key order (adjacent keys share pages), each with a single `UPDATE`
    /// (``UpdateFunction``). Per member: `FindingNotFound` when no finding has the key (compared
    /// byte for byte); `DuplicatedFindingIdentifier` for a key with the same bytes as one earlier
    /// in the batch (*Choice*: the one with the lowest `sequence`, then position, is applied);
    /// `InvalidInput` when the merged `UserDefinedFields` would exceed 50 pairs;
    /// `FindingSizeExceeded` past 240 KB; `InternalFailure` when a stored row cannot be decoded.
    /// `sequence` is the caller's record number; it only orders duplicates.
    /// - Parameter now: `Note.UpdatedAt`, RFC 3339 UTC with milliseconds.
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is applied).
    package func apply(
        batch: [(sequence: Int, identifier: FindingIdentifier)], update: FindingUpdate, now: String
    ) throws(StoreError) -> [Outcome] {
        try apply(batch, update: update, now: now, counting: false).outcomes
    }

    /// ``apply(batch:update:now:)``, the same statement and the same outcomes, counting for each
    /// member the update sets how many findings it updated and how many already had that value
    /// (for a rehearsal's tally). Counting compares the stored state before and after, per
    /// finding: slower than a plain apply.
    package func applyCountingChanges(
        batch: [(sequence: Int, identifier: FindingIdentifier)], update: FindingUpdate, now: String
    ) throws(StoreError) -> (outcomes: [Outcome], changes: BatchChanges) {
        let (outcomes, changes) = try apply(batch, update: update, now: now, counting: true)
        return (outcomes, changes ?? BatchChanges(members: []))
    }

    private func apply(
        _ batch: [(sequence: Int, identifier: FindingIdentifier)], update: FindingUpdate, now: String, counting: Bool
    ) throws(StoreError) -> (outcomes: [Outcome], changes: BatchChanges?) {
        try write("applying a batch") { db in
            try applyRows(db, batch, update: update, now: now, counting: counting, updatableAccounts: nil, history: nil)
        }
    }

    /// The body of one apply transaction: every member of `batch` in key order, one `UPDATE`
    /// each; a finding of an account outside `updatableAccounts` or of a Region outside
    /// `updatableRegions` (when given) is `FindingNotFound` and unchanged.
    ///
    /// With `history` (`triage serve`), each finding the update changed gets one history record
    /// (``FindingHistory``), inserted in this transaction: its changes come from the update
    /// function, which has the old and the new state, and the same `UPDATE` points the finding's
    /// `history_head` at it. A finding the update left as it was gets none. The CLI's store paths
    /// pass `nil`: their statement is the one they always ran.
    func applyRows(
        _ db: Database, _ batch: [(sequence: Int, identifier: FindingIdentifier)], update: FindingUpdate,
        now: String, counting: Bool, updatableAccounts: AccountSet?, updatableRegions: RegionSet? = nil,
        history: FindingHistory.Stamp? = nil
    ) throws -> (outcomes: [Outcome], changes: BatchChanges?) {
        var outcomes = [Outcome](repeating: .processed, count: batch.count)
        // Byte order (the store's key order), so that only the same bytes are duplicates.
        let order = batch.indices.sorted { left, right in
            let keys = FindingIdentifier.byteOrder(batch[left].identifier, batch[right].identifier)
            if keys != 0 { return keys < 0 }
            return (batch[left].sequence, left) < (batch[right].sequence, right)
        }
        let members = counting ? UpdatedMember.members(of: update) : nil
        var changes = members.map { BatchChanges(members: $0) }
        let function = updateFunction
        function.update = update
        function.now = now
        function.failure = nil
        function.countedMembers = members
        function.updatableAccounts = updatableAccounts
        function.recordsHistory = history != nil
        var recorder = try history.map { stamp in try FindingHistoryWriter(db, stamp: stamp, pruner: historyPruner) }
        defer { recorder?.finalize() }
        if let recorder { function.nextHistoryID = recorder.nextID }
        defer {
            function.update = nil
            function.countedMembers = nil
            function.updatableAccounts = nil
            function.recordsHistory = false
        }
        // The indexed columns only when the update sets them: SQLite rewrites the index entries of
        // every column the statement assigns, changed or not.
        let workflow = update.workflowStatus.map { _ in ", workflow_status = ?2" } ?? ""
        let label = update.severityLabelSet.map { _ in ", severity_label = ?5" } ?? ""
        let head =
            history == nil
            ? ""
            : ", history_head = \(UpdateFunction.headName)(customer_state, provider_bytes, aws_account_id, history_head)"
        // A finding of another Region matches no row: FindingNotFound, unchanged (parameters ?6...).
        let regions = updatableRegions?.accounts ?? []
        let inRegion =
            updatableRegions.map { _ in
                " AND region IN (\(regions.indices.map { "?\($0 + 6)" }.joined(separator: ", ")))"
            } ?? ""
        let statement = try RawStatement(
            db,
            sql: """
                UPDATE finding SET customer_state = \(UpdateFunction.name)(customer_state, provider_bytes, aws_account_id),
                    owned = owned | ?1\(workflow)\(label)\(head)
                WHERE product_arn = ?3 AND id = ?4\(inRegion)
                """)
        defer { statement.finalize() }
        for (offset, region) in regions.enumerated() { statement.bind(region, at: Int32(offset + 6)) }
        statement.bind(update.ownedFields.rawValue, at: 1)
        statement.bind(update.workflowStatus?.rawValue, at: 2)
        statement.bind(update.severityLabelSet?.rawValue, at: 5)
        var previous: FindingIdentifier?
        for index in order {
            let identifier = batch[index].identifier
            if let previous, FindingIdentifier.byteOrder(identifier, previous) == 0 {
                outcomes[index] = .failed(.duplicatedFindingIdentifier)
                continue
            }
            previous = identifier
            function.alreadySo = 0
            function.beginRow()
            let result = statement.run(binding: identifier.productArn, at: 3, identifier.id, at: 4)
            if result == SQLITE_DONE {
                if statement.changes == 0 {
                    outcomes[index] = .failed(.findingNotFound)
                    continue
                }
                if changes != nil {
                    changes?.count(alreadySo: function.alreadySo)
                }
                if recorder != nil, let updates = function.rowChanges {
                    try recorder?.insert(previous: function.rowPreviousHead, updates: updates)
                    function.nextHistoryID = recorder?.nextID ?? 0
                }
            } else if let code = function.failure {
                function.failure = nil
                outcomes[index] = .failed(code)
            } else {
                throw statement.error(result)
            }
        }
        return (outcomes, changes)
    }
}

extension FindingUpdate {
    /// The `Severity.Label` the update leaves on every finding it applies to: the one it sets, or
    /// the one its `Normalized` derives (§3); `nil` when it leaves the label alone.
    fileprivate var severityLabelSet: SeverityLabel? {
        guard let severity else { return nil }
        return severity.label ?? severity.normalized.map { SeverityLabel(normalized: $0) }
    }
}

extension BatchChanges {
    /// Counts one updated finding; bit `i` of `alreadySo` set when it already had `members[i]`.
    fileprivate mutating func count(alreadySo mask: UInt64) {
        updated += 1
        for index in alreadySo.indices where mask & (1 << UInt64(index)) != 0 { alreadySo[index] += 1 }
    }
}
