// TEMPORARY: the APIs of the `query` branch, stubbed so that the HTTP layer
// compiles before they merge. Deleted at the merge.
import Crypto
import TriageCore
import TriageStore

package struct QueryError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
package struct FindingsQuery: Sendable {
    package var nextToken: String?
    package var maxResults = 100
    package var fingerprint: [UInt8] = []
    package init(getFindingsRequest members: [JSONMember]) throws(QueryError) {
        for member in members where member.key == "NextToken" {
            if case .string(let text) = member.value { nextToken = text }
        }
    }
}
package struct FindingsPage: Sendable {
    package var findings: [[UInt8]]
    package var cursor: [UInt8]?
}
extension FindingsStore {
    package func findings(_ query: FindingsQuery, visibleAccounts: Set<String>?, after cursor: [UInt8]?, now: Int64)
        throws(StoreError) -> FindingsPage
    {
        var all: [[UInt8]] = []
        do { try exportAll { all.append($0) } } catch { throw StoreError(code: .cannotOpen, message: "\(error)") }
        let start = cursor.flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0
        let end = min(all.count, start + query.maxResults)
        return FindingsPage(
            findings: Array(all[start..<end]), cursor: end < all.count ? Array(String(end).utf8) : nil)
    }
    package func applyRequest(
        identifiers: [FindingIdentifier], update: FindingUpdate, now: String, updatableAccounts: Set<String>?
    ) throws(StoreError) -> (outcomes: [Outcome], commit: Int) {
        (try apply(batch: identifiers.enumerated().map { ($0, $1) }, update: update, now: now), 0)
    }
    package func importRequest(findings: [[UInt8]], importableAccounts: Set<String>?) throws(StoreError) -> (
        outcomes: [ImportOutcome], commit: Int
    ) {
        (try self.import(findings: findings), 0)
    }
}
