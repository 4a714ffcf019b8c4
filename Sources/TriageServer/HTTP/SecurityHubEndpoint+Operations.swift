import NIOCore
import TriageCore
import TriageStore

extension SecurityHubEndpoint {
    /// `BatchUpdateFindings`: §1 checked whole, the policies, the faults, then one transaction.
    ///
    /// An `unprocessedRate` fault reports the drawn findings as `ConcurrentUpdateError` or
    /// `InternalFailure` and leaves them out of the transaction (not applied); a later duplicate of
    /// such an identifier is then the first one applied.
    func batchUpdateFindings(
        _ body: [UInt8], caller: Caller, context: ServeRequestContext, entry: inout RequestLog.Entry
    ) async throws(ServerError) -> [UInt8] {
        let request = try BatchUpdateFindingsOperation.decode(body)
        entry.findingsIn = request.identifiers.count
        try authorize(caller, .batchUpdateFindings, update: request.update)
        let faults = try injectFaults(findingCount: request.identifiers.count, context: context)
        let applied = request.identifiers.indices.filter { faults.unprocessed[$0] == nil }
        let identifiers = applied.map { request.identifiers[$0] }
        let time = clock()
        let now = Timestamp.rfc3339(milliseconds: time)
        let history = FindingHistory.Stamp(identity: caller.credential.arn, time: time)
        let store = self.store
        // Queued for the store's writer without holding a thread (group commit: see
        // `FindingsStore.applyRequest`).
        let result = await withCheckedContinuation { continuation in
            store.applyRequest(
                identifiers: identifiers, update: request.update, now: now,
                updatableAccounts: caller.reachableAccounts, updatableRegions: caller.visibleRegions,
                history: history
            ) { continuation.resume(returning: $0) }
        }
        let storeOutcomes: [Outcome]
        let commit: Int
        switch result {
        case .success(let applied): (storeOutcomes, commit) = applied
        case .failure: throw .internalError
        }
        entry.commit = commit
        var outcomes = request.identifiers.indices.map { faults.unprocessed[$0].map { Outcome.failed($0) } }
        for (index, outcome) in zip(applied, storeOutcomes) { outcomes[index] = outcome }
        let resolved = outcomes.map { $0 ?? .failed(.internalFailure) }
        entry.findingsOut = resolved.filter(\.isProcessed).count
        try dropAfterApplying(faults, context: context)
        return BatchUpdateFindingsOperation.answer(identifiers: request.identifiers, outcomes: resolved)
    }

    /// `GetFindings`: one page of the caller's findings.
    func getFindings(
        _ body: [UInt8], caller: Caller, context: ServeRequestContext, entry: inout RequestLog.Entry
    ) async throws(ServerError) -> [UInt8] {
        let query = try GetFindingsOperation.decode(body)
        try authorize(caller, .getFindings, update: nil)
        var cursor: [UInt8]?
        if let token = query.nextToken, !token.isEmpty {
            cursor = try tokens.cursor(from: token, query: query.fingerprint)
        }
        let faults = try injectFaults(findingCount: 0, context: context)
        let store = self.store
        let now = clock()
        let after = cursor
        let page = try await storeWork {
            try store.findings(
                query, visibleAccounts: caller.reachableAccounts, visibleRegions: caller.visibleRegions, after: after,
                now: now)
        }
        entry.findingsOut = page.findings.count
        try dropAfterApplying(faults, context: context)
        let next = page.cursor.map { tokens.token(cursor: $0, query: query.fingerprint) }
        return GetFindingsOperation.answer(findings: page.findings, nextToken: next)
    }

    /// `BatchImportFindings`: 1 to 100 findings in one transaction, §5.
    func batchImportFindings(
        _ body: [UInt8], caller: Caller, context: ServeRequestContext, entry: inout RequestLog.Entry
    ) async throws(ServerError) -> [UInt8] {
        let findings = try BatchImportFindingsOperation.decode(body)
        entry.findingsIn = findings.count
        try authorize(caller, .batchImportFindings, update: nil)
        let faults = try injectFaults(findingCount: findings.count, context: context)
        let store = self.store
        let time = clock()
        let (outcomes, commit) = try await storeWork {
            try store.importRequest(
                findings: findings, importableAccounts: caller.reachableAccounts, importRegion: caller.region,
                historyTime: time)
        }
        entry.commit = commit
        entry.findingsOut = outcomes.filter(\.isSuccess).count
        try dropAfterApplying(faults, context: context)
        return BatchImportFindingsOperation.answer(outcomes)
    }

    /// `AccessDeniedException` when the key's policies deny the request.
    func authorize(_ caller: Caller, _ operation: ServeOperation, update: FindingUpdate?) throws(ServerError) {
        if case .denied(let message) = PolicyEvaluator.evaluate(
            caller.credential.policies, action: operation, update: update)
        {
            throw .accessDenied(message)
        }
    }

    /// Draws the request's faults: an `InternalException` or a drop before applying end the
    /// request here, nothing applied.
    private func injectFaults(findingCount: Int, context: ServeRequestContext) throws(ServerError) -> RequestFaults {
        let drawn = faults.next(findingCount: findingCount)
        if drawn.internalError { throw .internalError }
        if drawn.dropConnection == .beforeApplying {
            context.channel.close(promise: nil)
            throw .dropped
        }
        return drawn
    }

    /// A drop after applying: the write committed, the connection closes without an answer.
    private func dropAfterApplying(_ faults: RequestFaults, context: ServeRequestContext) throws(ServerError) {
        if faults.dropConnection == .afterApplying {
            context.channel.close(promise: nil)
            throw .dropped
        }
    }
}
