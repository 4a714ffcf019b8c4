import TriageCore

extension FindingsStore {
    /// Applies one `BatchUpdateFindings` request (`shared/spec/batchupdatefindings.md` §3, §4) in
    /// one transaction through the same statement as ``apply(batch:update:now:)``, and numbers
    /// the transaction in commit order.
    ///
    /// One outcome per identifier, in request order: a later repeat of an identifier (the same
    /// bytes) is `DuplicatedFindingIdentifier`, the first is applied; a finding that does not
    /// exist, or whose `AwsAccountId` is not in `updatableAccounts` (when given), is
    /// `FindingNotFound` (§4 *Choice*: it does not reveal that the finding exists) and unchanged.
    /// - Parameters:
    ///   - now: `Note.UpdatedAt`, RFC 3339 UTC with milliseconds.
    ///   - updatableAccounts: the accounts the caller may update; `nil` for all.
    /// - Returns: the outcomes and `commit`, 1, 2, 3… in the order the store's write
    ///   transactions committed (``CommitCounter``).
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is applied).
    package func applyRequest(
        identifiers: [FindingIdentifier], update: FindingUpdate, now: String, updatableAccounts: Set<String>?
    ) throws(StoreError) -> (outcomes: [Outcome], commit: Int) {
        let batch = identifiers.enumerated().map { (sequence: $0.offset, identifier: $0.element) }
        let accounts = updatableAccounts.map(AccountSet.init)
        let (result, commit) = try writeNumbered("applying a request") { db in
            try applyRows(db, batch, update: update, now: now, counting: false, updatableAccounts: accounts)
        }
        return (result.outcomes, commit)
    }

    /// Imports one `BatchImportFindings` request (§5) in one transaction as
    /// ``import(findings:)`` does, and numbers the transaction in commit order.
    ///
    /// A finding whose `AwsAccountId` is not in `importableAccounts` (when given) fails with
    /// `AccessDenied` (``TriageCore/ErrorCode/accessDenied``) and is not stored; the others go on.
    /// - Returns: one outcome per finding, in order, and `commit` (see
    ///   ``applyRequest(identifiers:update:now:updatableAccounts:)``).
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is imported).
    package func importRequest(findings: [[UInt8]], importableAccounts: Set<String>?) throws(StoreError)
        -> (outcomes: [ImportOutcome], commit: Int)
    {
        let accounts = importableAccounts.map(AccountSet.init)
        let (outcomes, commit) = try writeNumbered("importing a request") { db in
            try Self.importRows(db, findings, importableAccounts: accounts)
        }
        return (outcomes, commit)
    }
}
