import TriageCore
import TriageStore

extension SecurityHubEndpoint {
    /// `GetFindingHistory`: one page of a finding's history, newest first (`docs/serve.md`,
    /// finding history).
    ///
    /// The finding is looked up as GetFindings sees it: one of another account or Region than the
    /// caller may see gets `{"Records": []}`, as a finding that does not exist does (the model
    /// lists no `ResourceNotFoundException` for this operation). `NextToken` is bound to the
    /// finding and the window (``PageTokenCodec``): a token of another query is
    /// `InvalidInputException`. Like the aggregator operations it draws no injected faults, so
    /// that a seed's faults for the finding operations stay the same.
    func getFindingHistory(
        _ body: [UInt8], caller: Caller, entry: inout RequestLog.Entry
    ) async throws(ServerError) -> [UInt8] {
        let request = try GetFindingHistoryOperation.decode(body)
        try authorize(caller, .getFindingHistory, update: nil)
        let fingerprint = GetFindingHistoryOperation.fingerprint(request.query)
        let cursor = try request.nextToken.map { token throws(ServerError) in
            try GetFindingHistoryOperation.cursor(tokens.cursor(from: token, query: fingerprint))
        }
        let store = self.store
        let now = clock()
        let query = request.query
        let page = try await storeWork {
            try store.findingHistory(
                query, visibleAccounts: caller.reachableAccounts, visibleRegions: caller.visibleRegions,
                after: cursor, now: now)
        }
        entry.findingsOut = page.records.count
        let next = page.next.map { id in
            tokens.token(cursor: GetFindingHistoryOperation.cursorBytes(id), query: fingerprint)
        }
        return GetFindingHistoryOperation.answer(
            records: page.records, identifier: request.query.identifier, nextToken: next)
    }
}
