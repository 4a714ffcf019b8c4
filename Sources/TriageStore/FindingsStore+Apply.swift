import GRDB
import GRDBSQLite
import TriageCore

extension FindingsStore {
    /// Applies one `BatchUpdateFindings` request to the stored findings
    /// (`shared/spec/batchupdatefindings.md` §3) in one transaction, and returns one outcome per
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
        try write("applying a batch") { db in
            function.update = update
            function.now = now
            function.failure = nil
            function.countedMembers = members
            defer {
                function.update = nil
                function.countedMembers = nil
            }
            let statement = try RawStatement(
                db,
                sql: """
                    UPDATE finding SET customer_state = \(UpdateFunction.name)(customer_state, provider_bytes),
                        owned = owned | ?1, workflow_status = coalesce(?2, workflow_status)
                    WHERE product_arn = ?3 AND id = ?4
                    """)
            defer { statement.finalize() }
            statement.bind(update.ownedFields.rawValue, at: 1)
            statement.bind(update.workflowStatus?.rawValue, at: 2)
            var previous: FindingIdentifier?
            for index in order {
                let identifier = batch[index].identifier
                if let previous, FindingIdentifier.byteOrder(identifier, previous) == 0 {
                    outcomes[index] = .failed(.duplicatedFindingIdentifier)
                    continue
                }
                previous = identifier
                function.alreadySo = 0
                let result = statement.run(binding: identifier.productArn, at: 3, identifier.id, at: 4)
                if result == SQLITE_DONE {
                    if statement.changes == 0 {
                        outcomes[index] = .failed(.findingNotFound)
                    } else if changes != nil {
                        changes?.count(alreadySo: function.alreadySo)
                    }
                } else if let code = function.failure {
                    function.failure = nil
                    outcomes[index] = .failed(code)
                } else {
                    throw statement.error(result)
                }
            }
        }
        return (outcomes, changes)
    }
}

extension BatchChanges {
    /// Counts one updated finding; bit `i` of `alreadySo` set when it already had `members[i]`.
    fileprivate mutating func count(alreadySo mask: UInt64) {
        updated += 1
        for index in alreadySo.indices where mask & (1 << UInt64(index)) != 0 { alreadySo[index] += 1 }
    }
}
