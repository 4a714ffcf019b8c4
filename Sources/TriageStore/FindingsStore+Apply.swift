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
        var outcomes = [Outcome](repeating: .processed, count: batch.count)
        // Byte order (the store's key order), so that only the same bytes are duplicates.
        let order = batch.indices.sorted { left, right in
            let keys = FindingIdentifier.byteOrder(batch[left].identifier, batch[right].identifier)
            if keys != 0 { return keys < 0 }
            return (batch[left].sequence, left) < (batch[right].sequence, right)
        }
        let function = updateFunction
        try write("applying a batch") { db in
            function.update = update
            function.now = now
            function.failure = nil
            defer { function.update = nil }
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
                let result = statement.run(binding: identifier.productArn, at: 3, identifier.id, at: 4)
                if result == SQLITE_DONE {
                    if statement.changes == 0 { outcomes[index] = .failed(.findingNotFound) }
                } else if let code = function.failure {
                    function.failure = nil
                    outcomes[index] = .failed(code)
                } else {
                    throw statement.error(result)
                }
            }
        }
        return outcomes
    }
}
