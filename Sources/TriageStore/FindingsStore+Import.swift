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

    /// The body of one import transaction. With `importableAccounts` or `importRegion` (a `triage
    /// serve` caller), a finding the caller may not import (``ImportAccess``: another account's,
    /// another account's default product, over a stored finding of another account, or of a
    /// `ProductArn` of another Region than `importRegion`) fails and changes nothing.
    ///
    /// With `history` (`triage serve`), each finding created or changed gets one history record
    /// at `history.time` (``FindingHistory``; a re-import that changed nothing but top-level
    /// timestamps gets none).
    static func importRows(
        _ db: Database, _ findings: [[UInt8]], importableAccounts: AccountSet?, importRegion: String? = nil,
        history: (time: Int64, pruner: FindingHistoryPruner)? = nil
    ) throws -> [ImportOutcome] {
        let statements = try ImportStatements(db)
        defer { statements.finalize() }
        var recorder = try history.map { history in
            try FindingHistoryWriter(
                db, time: history.time, sourceType: .batchImportFindings, identity: nil, pruner: history.pruner)
        }
        defer { recorder?.finalize() }
        let access = ImportAccess(accounts: importableAccounts, region: importRegion)
        return try findings.map { bytes in
            let provider: ProviderFinding
            do throws(CoreError) {
                provider = try ProviderFinding(bytes: bytes)
            } catch {
                return try refused(error)
            }
            if let refusal = access?.refusal(of: provider) { return refusal }
            do {
                return try Self.import(provider, with: statements, access: access, history: &recorder)
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
        _ provider: ProviderFinding, with statements: ImportStatements, access: ImportAccess?,
        history recorder: inout FindingHistoryWriter?
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
            insert.bind(Int(recorder?.nextID ?? 0), at: 15)
            try insert.execute()
            try recorder?.insert(previous: 0, updates: FindingHistory.noUpdates, created: true)
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
        // The record's changes, from the document about to be replaced (history only).
        var changes: [UInt8]?
        if recorder != nil {
            changes = try statements.document(existing.documentID) { old in
                try FindingHistoryChanges.reimport(old: old, state: existing.state, new: stored)
            }
        }
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
        update.bind(Int(changes == nil ? existing.historyHead : recorder?.nextID ?? 0), at: 13)
        try update.execute()
        if let changes { try recorder?.insert(previous: existing.historyHead, updates: changes) }
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
        var historyHead: Int64
    }

    let select: RawStatement
    let insertDocument: RawStatement
    let updateDocument: RawStatement
    let insertFinding: RawStatement
    let updateFinding: RawStatement
    let selectDocument: RawStatement

    init(_ db: Database) throws {
        select = try RawStatement(
            db,
            sql: """
                SELECT updated_at, record_state, compliance_status, owned, customer_state, document_id, aws_account_id,
                    history_head
                FROM finding WHERE product_arn = ?1 AND id = ?2
                """)
        insertDocument = try RawStatement(db, sql: "INSERT INTO finding_document (body) VALUES (?1)")
        updateDocument = try RawStatement(db, sql: "UPDATE finding_document SET body = ?1 WHERE document_id = ?2")
        insertFinding = try RawStatement(
            db,
            sql: """
                INSERT INTO finding (product_arn, id, aws_account_id, region, workflow_status, record_state,
                    compliance_status, updated_at, document_id, provider_bytes, owned, customer_state, severity_label,
                    updated_key, history_head)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                """)
        updateFinding = try RawStatement(
            db,
            sql: """
                UPDATE finding SET aws_account_id = ?1, region = ?2, workflow_status = ?3, record_state = ?4,
                    compliance_status = ?5, updated_at = ?6, provider_bytes = ?7, customer_state = ?8,
                    severity_label = ?9, updated_key = ?10, history_head = ?13
                WHERE product_arn = ?11 AND id = ?12
                """)
        selectDocument = try RawStatement(db, sql: "SELECT body FROM finding_document WHERE document_id = ?1")
    }

    func finalize() {
        for statement in [select, insertDocument, updateDocument, insertFinding, updateFinding, selectDocument] {
            statement.finalize()
        }
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
            awsAccountId: select.text(at: 6) ?? "", historyHead: Int64(select.int(at: 7)))
    }

    /// Calls `body` with the stored document `documentID` (before a re-import replaces it).
    func document<T>(_ documentID: Int, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        selectDocument.bind(documentID, at: 1)
        defer { selectDocument.reset() }
        let result = selectDocument.step()
        guard result == SQLITE_ROW else { throw selectDocument.error(result) }
        return try selectDocument.withBlob(at: 0, body)
    }
}
