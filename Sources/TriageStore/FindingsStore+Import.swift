import GRDB
import TriageCore

extension FindingsStore {
    /// Imports ASFF findings (`BatchImportFindings` rules, `shared/spec/batchupdatefindings.md` §5)
    /// in one transaction, in the given order; one outcome per document, in the same order.
    ///
    /// Each element is the raw JSON of one finding object (any whitespace; it is kept byte for
    /// byte). A rejected finding does not stop the others. Findings are not limited to 100 per
    /// call here: the caller chooses the transaction size.
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is imported).
    package func `import`(findings: [[UInt8]]) throws(StoreError) -> [ImportOutcome] {
        try write("importing findings") { db in
            let select = try db.cachedStatement(
                sql: """
                    SELECT updated_at, record_state, compliance_status, owned, customer_state, document_id
                    FROM finding WHERE product_arn = ? AND id = ?
                    """)
            let insertDocument = try db.cachedStatement(sql: "INSERT INTO finding_document (body) VALUES (?)")
            let updateDocument = try db.cachedStatement(
                sql: "UPDATE finding_document SET body = ? WHERE document_id = ?")
            let insertFinding = try db.cachedStatement(
                sql: """
                    INSERT INTO finding (product_arn, id, aws_account_id, region, workflow_status, record_state,
                        compliance_status, updated_at, document_id, provider_bytes, owned, customer_state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let updateFinding = try db.cachedStatement(
                sql: """
                    UPDATE finding SET aws_account_id = ?, region = ?, workflow_status = ?, record_state = ?,
                        compliance_status = ?, updated_at = ?, provider_bytes = ?, customer_state = ?
                    WHERE product_arn = ? AND id = ?
                    """)
            return try findings.map { bytes in
                let provider: ProviderFinding
                do {
                    provider = try ProviderFinding(bytes: bytes)
                } catch let failure as ImportFailure {
                    return .failed(id: failure.id, code: failure.code, message: failure.message)
                }
                let identifier = provider.identifier
                let existing = try Row.fetchOne(select, arguments: [identifier.productArn, identifier.id])
                do {
                    guard let existing else {
                        let stored = try ImportRules.newFinding(provider)
                        try insertDocument.execute(arguments: [StoreBytes.data(stored.document)])
                        try insertFinding.execute(
                            arguments: [
                                identifier.productArn, identifier.id, provider.awsAccountId, provider.region,
                                stored.state.workflowStatus, stored.recordState, provider.complianceStatus,
                                provider.updatedAt, db.lastInsertedRowID, stored.providerBytes,
                                stored.state.owned.rawValue,
                                StoreBytes.data(stored.state.encoded),
                            ])
                        return .created(identifier)
                    }
                    let storedUpdatedAt: String = existing[0]
                    if let previous = FindingTimestamp(storedUpdatedAt), provider.updatedInstant <= previous {
                        return .ignored(identifier)
                    }
                    let owned = OwnedFields(rawValue: existing[3])
                    let previousState = try existing.withUnsafeData(atIndex: 4) { data in
                        try StoreBytes.withBytes(data) { buffer in try CustomerState(encoded: buffer, owned: owned) }
                    }
                    let stored = try ImportRules.reimport(
                        provider, over: previousState, recordState: existing[1], complianceStatus: existing[2])
                    try updateDocument.execute(arguments: [StoreBytes.data(stored.document), existing[5] as Int64])
                    try updateFinding.execute(
                        arguments: [
                            provider.awsAccountId, provider.region, stored.state.workflowStatus, stored.recordState,
                            provider.complianceStatus, provider.updatedAt, stored.providerBytes,
                            StoreBytes.data(stored.state.encoded), identifier.productArn, identifier.id,
                        ])
                    return .updated(identifier)
                } catch let failure as ImportFailure {
                    return .failed(id: failure.id, code: failure.code, message: failure.message)
                }
            }
        }
    }
}
