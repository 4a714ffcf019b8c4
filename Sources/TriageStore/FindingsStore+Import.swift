import GRDB
import GRDBSQLite
import TriageCore

extension FindingsStore {
    /// Imports ASFF findings (`BatchImportFindings` rules, `docs/contract.md`, import)
    /// in one transaction, in the given order; one outcome per document, in the same order.
    ///
    /// Each element is the raw JSON of one finding object (any whitespace; it is kept byte for
    /// byte). A rejected finding does not stop the others. Findings are not limited to 100 per
    /// call here: the caller chooses the transaction size. Keys and other text are bound with
    /// their length (``RawStatement``): `Id`s that differ only after a NUL are two findings.
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is imported).
    package func `import`(findings: [[UInt8]]) throws(StoreError) -> [ImportOutcome] {
        try write("importing findings") { db in try Self.importRows(db, findings, importableAccounts: nil) }
    }

    /// The body of one import transaction. With `importableAccounts` (a `triage serve` caller), a
    /// finding the caller may not import (``ImportAccess``: another account's, another account's
    /// default product, or over a stored finding of another account) fails and changes nothing.
    static func importRows(_ db: Database, _ findings: [[UInt8]], importableAccounts: AccountSet?) throws
        -> [ImportOutcome]
    {
        let statements = try ImportStatements(db)
        defer { statements.finalize() }
        let access = importableAccounts.map(ImportAccess.init)
        return try findings.map { bytes in
            let provider: ProviderFinding
            do throws(CoreError) {
                provider = try ProviderFinding(bytes: bytes)
            } catch {
                return try refused(error)
            }
            if let refusal = access?.refusal(of: provider) { return refusal }
            do {
                return try Self.import(provider, with: statements, access: access)
            } catch let error as CoreError {
                return try refused(error)
            }
        }
    }

    /// The outcome of a finding that import refused; any other error is the transaction's.
    private static func refused(_ error: CoreError) throws -> ImportOutcome {
        guard case .findingRefused(let id, let code) = error.code else { throw error }
        return .failed(id: id, code: code, message: error.message)
    }

    /// Stores one checked finding: new, a later version of a stored one, or ignored; refused
    /// when `access` does not let it replace the stored finding (checked before `UpdatedAt`, so
    /// that an earlier document is refused too, not counted as ignored).
    private static func `import`(
        _ provider: ProviderFinding, with statements: ImportStatements, access: ImportAccess?
    ) throws -> ImportOutcome {
        let identifier = provider.identifier
        guard let existing = try statements.existing(identifier) else {
            let stored = try ImportRules.newFinding(provider)
            let values = try indexedValues(stored, of: provider)
            let insertDocument = statements.insertDocument
            insertDocument.bind(blob: stored.document, at: 1)
            try insertDocument.execute()
            let insert = statements.insertFinding
            insert.bind(identifier.productArn, at: 1)
            insert.bind(identifier.id, at: 2)
            insert.bind(provider.awsAccountId, at: 3)
            insert.bind(values.region, at: 4)
            insert.bind(stored.state.workflowStatus, at: 5)
            insert.bind(stored.recordState, at: 6)
            insert.bind(provider.complianceStatus, at: 7)
            insert.bind(provider.updatedAt, at: 8)
            insert.bind(insertDocument.lastInsertedRowID, at: 9)
            insert.bind(stored.providerBytes, at: 10)
            insert.bind(stored.state.owned.rawValue, at: 11)
            insert.bind(blob: stored.state.encoded, at: 12)
            insert.bind(values.severityLabel, at: 13)
            insert.bind(Int(values.updatedKey), at: 14)
            try insert.execute()
            return .created(identifier)
        }
        if let refusal = access?.refusal(of: provider, over: existing.awsAccountId) { return refusal }
        if let previous = FindingTimestamp(existing.updatedAt), provider.updatedInstant <= previous {
            return .ignored(identifier)
        }
        let stored = try ImportRules.reimport(
            provider, over: existing.state, recordState: existing.recordState,
            complianceStatus: existing.complianceStatus)
        let values = try indexedValues(stored, of: provider)
        let updateDocument = statements.updateDocument
        updateDocument.bind(blob: stored.document, at: 1)
        updateDocument.bind(existing.documentID, at: 2)
        try updateDocument.execute()
        let update = statements.updateFinding
        update.bind(provider.awsAccountId, at: 1)
        update.bind(values.region, at: 2)
        update.bind(stored.state.workflowStatus, at: 3)
        update.bind(stored.recordState, at: 4)
        update.bind(provider.complianceStatus, at: 5)
        update.bind(provider.updatedAt, at: 6)
        update.bind(stored.providerBytes, at: 7)
        update.bind(blob: stored.state.encoded, at: 8)
        update.bind(values.severityLabel, at: 9)
        update.bind(Int(values.updatedKey), at: 10)
        update.bind(identifier.productArn, at: 11)
        update.bind(identifier.id, at: 12)
        try update.execute()
        return .updated(identifier)
    }
}

extension FindingsStore {
    /// The derived columns of a finding about to be stored (``IndexedValues``), read with the
    /// layout import found for the stored document (no second scan).
    fileprivate static func indexedValues(_ stored: StoredFinding, of provider: ProviderFinding) throws(CoreError)
        -> IndexedValues
    {
        let id = provider.identifier.id
        do {
            return try IndexedValues(document: stored.document, layout: stored.layout, state: stored.state)
        } catch {
            throw .findingRefused(
                id: id, code: .invalidInput, message: "not a JSON object: \(error)", underlying: error)
        }
    }
}

/// The statements of one import transaction, prepared once for all its findings.
private struct ImportStatements {
    /// What a re-import needs of the stored finding.
    struct Existing {
        var updatedAt: String
        var recordState: String
        var complianceStatus: String?
        var state: CustomerState
        var documentID: Int
        var awsAccountId: String
    }

    let select: RawStatement
    let insertDocument: RawStatement
    let updateDocument: RawStatement
    let insertFinding: RawStatement
    let updateFinding: RawStatement

    init(_ db: Database) throws {
        select = try RawStatement(
            db,
            sql: """
                SELECT updated_at, record_state, compliance_status, owned, customer_state, document_id, aws_account_id
                FROM finding WHERE product_arn = ?1 AND id = ?2
                """)
        insertDocument = try RawStatement(db, sql: "INSERT INTO finding_document (body) VALUES (?1)")
        updateDocument = try RawStatement(db, sql: "UPDATE finding_document SET body = ?1 WHERE document_id = ?2")
        insertFinding = try RawStatement(
            db,
            sql: """
                INSERT INTO finding (product_arn, id, aws_account_id, region, workflow_status, record_state,
                    compliance_status, updated_at, document_id, provider_bytes, owned, customer_state, severity_label,
                    updated_key)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                """)
        updateFinding = try RawStatement(
            db,
            sql: """
                UPDATE finding SET aws_account_id = ?1, region = ?2, workflow_status = ?3, record_state = ?4,
                    compliance_status = ?5, updated_at = ?6, provider_bytes = ?7, customer_state = ?8,
                    severity_label = ?9, updated_key = ?10
                WHERE product_arn = ?11 AND id = ?12
                """)
    }

    func finalize() {
        for statement in [select, insertDocument, updateDocument, insertFinding, updateFinding] { statement.finalize() }
    }

    /// The stored finding with `identifier`, or `nil`.
    func existing(_ identifier: FindingIdentifier) throws -> Existing? {
        select.bind(identifier.productArn, at: 1)
        select.bind(identifier.id, at: 2)
        defer { select.reset() }
        let result = select.step()
        guard result == SQLITE_ROW else {
            if result == SQLITE_DONE { return nil }
            throw select.error(result)
        }
        let owned = OwnedFields(rawValue: select.int(at: 3))
        let state = try select.withBlob(at: 4) { bytes in try CustomerState(encoded: bytes, owned: owned) }
        return Existing(
            updatedAt: select.text(at: 0) ?? "", recordState: select.text(at: 1) ?? "ACTIVE",
            complianceStatus: select.text(at: 2), state: state, documentID: select.int(at: 5),
            awsAccountId: select.text(at: 6) ?? "")
    }
}
