import TriageCore

extension FindingsStore {
    /// Applies one `BatchUpdateFindings` request (`docs/contract.md`: apply semantics, access)
    /// through the same statement as ``apply(batch:update:now:)``, atomically, and numbers it in
    /// commit order.
    ///
    /// Group commit: requests that arrive while the writer is busy are applied together, each in
    /// a savepoint of one transaction, in arrival order, and numbered in that order (``RequestGroup``).
    /// A request is answered only once its group committed; if the group's transaction fails, each
    /// of its requests is applied again alone, so one request's failure is never another's.
    ///
    /// One outcome per identifier, in request order: a later repeat of an identifier (the same
    /// bytes) is `DuplicatedFindingIdentifier`, the first is applied; a finding that does not
    /// exist, whose `AwsAccountId` is not in `updatableAccounts` or whose Region (the `region`
    /// column) is not in `updatableRegions` (when given), is `FindingNotFound` (§4 *Choice*: it
    /// does not reveal that the finding exists) and unchanged.
    /// - Parameters:
    ///   - now: `Note.UpdatedAt`, RFC 3339 UTC with milliseconds.
    ///   - updatableAccounts: the accounts the caller may update; `nil` for all.
    ///   - updatableRegions: the Regions whose findings the caller may update; `nil` for all.
    ///   - history: who sent the request and when: each finding it changes gets a history record
    ///     (``FindingHistory``) in the same transaction; `nil` records none.
    /// - Returns: the outcomes and `commit`, 1, 2, 3… in the order the store's write
    ///   transactions committed (``CommitCounter``).
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is applied).
    package func applyRequest(
        identifiers: [FindingIdentifier], update: FindingUpdate, now: String, updatableAccounts: Set<String>?,
        updatableRegions: Set<String>? = nil, history: FindingHistory.Stamp? = nil
    ) throws(StoreError) -> (outcomes: [Outcome], commit: Int) {
        try waitForCallback { done in
            applyRequest(
                identifiers: identifiers, update: update, now: now, updatableAccounts: updatableAccounts,
                updatableRegions: updatableRegions, history: history, completion: done)
        }.get()
    }

    /// ``applyRequest(identifiers:update:now:updatableAccounts:updatableRegions:history:)`` without a
    /// thread waiting: `completion` gets the result on the store's writer thread (it must not
    /// block it).
    package func applyRequest(
        identifiers: [FindingIdentifier], update: FindingUpdate, now: String, updatableAccounts: Set<String>?,
        updatableRegions: Set<String>? = nil, history: FindingHistory.Stamp? = nil,
        completion: @escaping @Sendable (Result<(outcomes: [Outcome], commit: Int), StoreError>) -> Void
    ) {
        let request = RequestGroup.Request(
            identifiers: identifiers, update: update, now: now, accounts: updatableAccounts.map(AccountSet.init),
            regions: updatableRegions.map(RegionSet.init), history: history)
        guard rehearsal == nil else {
            completion(Result { () throws(StoreError) in try applyAlone(request) })
            return
        }
        requestGroup.submit(request, apply: { [self] in applyGroup($0) }, completion: completion)
    }

    /// The most `BatchUpdateFindings` requests committed together so far (group commit).
    package var largestRequestGroup: Int { requestGroup.largest }

    /// One request in a transaction of its own.
    private func applyAlone(_ request: RequestGroup.Request) throws(StoreError) -> (outcomes: [Outcome], commit: Int) {
        let (result, commit) = try writeNumbered("applying a request") { db in
            try applyRows(
                db, request.batch, update: request.update, now: request.now, counting: false,
                updatableAccounts: request.accounts, updatableRegions: request.regions,
                history: request.history)
        }
        return (result.outcomes, commit)
    }

    /// `group` in one transaction, numbered in order once it committed; alone each if it failed.
    private func applyGroup(_ group: [RequestGroup.Request]) -> [RequestGroup.Outcome] {
        if group.count > 1 {
            let slots = group.map { _ in CommitCounter.Slot() }
            let commits = commits
            do {
                let outcomes = try write("applying requests") { db in
                    let outcomes = try group.map { request in
                        try applyRows(
                            db, request.batch, update: request.update, now: request.now, counting: false,
                            updatableAccounts: request.accounts, updatableRegions: request.regions,
                            history: request.history
                        ).outcomes
                    }
                    db.afterNextTransaction { _ in for slot in slots { commits.draw(into: slot) } }
                    return outcomes
                }
                return zip(outcomes, slots).map { .success(($0, $1.value)) }
            } catch {
                // Nothing of the group was applied: each request on its own, as if alone.
            }
        }
        return group.map { request -> RequestGroup.Outcome in
            do throws(StoreError) {
                return .success(try applyAlone(request))
            } catch {
                return .failure(error)
            }
        }
    }

    /// Imports one `BatchImportFindings` request (§5) in one transaction as
    /// ``import(findings:)`` does, and numbers the transaction in commit order.
    ///
    /// With `importableAccounts` (the accounts the caller may import and update), a finding the
    /// caller may not import fails and changes nothing (``ImportAccess``): one whose `AwsAccountId`
    /// is not among them or whose default product is another account's, or one whose stored
    /// namesake (same `ProductArn` and `Id`) belongs to another account: `AccessDenied`
    /// (``TriageCore/ErrorCode/accessDenied``), or `InvalidInput` for a namesake of another of the
    /// caller's accounts (an import does not move a finding). With `importRegion` (the Region the
    /// request is signed for), a finding whose `ProductArn` names another Region fails with
    /// `AccessDenied` and changes nothing. The others go on. With `historyTime` (epoch
    /// milliseconds), each finding created or changed gets a history record (``FindingHistory``).
    /// - Returns: one outcome per finding, in order, and `commit` (see
    ///   ``applyRequest(identifiers:update:now:updatableAccounts:updatableRegions:history:)``).
    /// - Throws: ``StoreError`` when the transaction fails as a whole (nothing is imported).
    package func importRequest(
        findings: [[UInt8]], importableAccounts: Set<String>?, importRegion: String? = nil, historyTime: Int64? = nil
    ) throws(StoreError) -> (outcomes: [ImportOutcome], commit: Int) {
        let accounts = importableAccounts.map(AccountSet.init)
        let pruner = historyPruner
        let (outcomes, commit) = try writeNumbered("importing a request") { db in
            try Self.importRows(
                db, findings, importableAccounts: accounts, importRegion: importRegion,
                history: historyTime.map { (time: $0, pruner: pruner) })
        }
        return (outcomes, commit)
    }
}
