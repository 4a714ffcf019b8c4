// TEMPORARY: the APIs of the `policy` and `query` branches, stubbed so that the HTTP layer
// compiles before they merge. Deleted at the merge.
import Crypto
import TriageCore
import TriageStore

package enum ServeOperation: String, CaseIterable, Sendable {
    case batchUpdateFindings = "BatchUpdateFindings"
    case getFindings = "GetFindings"
    case batchImportFindings = "BatchImportFindings"
}
package struct Quota: Sendable {
    package var rate: Double
    package var burst: Double
}
package struct AccessPolicy: Sendable {}
package struct ServeCredential: Sendable {
    package var accessKeyId: String
    package var secretAccessKey: String
    package var account: String
    package var sessionToken: String?
    package var expiresAt: Int64?
    package var policies: [AccessPolicy]
}
package struct AccountDirectory: Sendable {
    package func isSubscribed(_ account: String) -> Bool { true }
    package func reachableAccounts(from caller: String) -> Set<String>? { nil }
}
package struct FaultConfig: Sendable {
    package var latencyMs = 0
}
package struct ServeConfigError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
package struct ServeConfig: Sendable {
    package init(json bytes: [UInt8]) throws(ServeConfigError) { self = .defaultConfig }
    private init() {}
    package static var defaultConfig: ServeConfig { ServeConfig() }
    package func credential(accessKeyId: String) -> ServeCredential? {
        accessKeyId == "test"
            ? ServeCredential(
                accessKeyId: "test", secretAccessKey: "test", account: "000000000000", sessionToken: nil,
                expiresAt: nil,
                policies: []) : nil
    }
    package var accounts: AccountDirectory { AccountDirectory() }
    package var quotas: [ServeOperation: Quota] { [:] }
    package var faults: FaultConfig { FaultConfig() }
    package var isDefault: Bool { true }
}
package enum PolicyDecision: Equatable {
    case allowed
    case denied(String)
}
package enum PolicyEvaluator {
    package static func evaluate(_ policies: [AccessPolicy], action: ServeOperation, update: FindingUpdate?)
        -> PolicyDecision
    { .allowed }
}
package final class QuotaTable: Sendable {
    package init(quotas: [ServeOperation: Quota], clock: @escaping @Sendable () -> Int64) {}
    package func admit(account: String, region: String, operation: ServeOperation) -> Bool { true }
}
package enum DropFault: Sendable {
    case beforeApplying, afterApplying
}
package struct RequestFaults: Sendable {
    package var internalError = false
    package var dropConnection: DropFault?
    package var latencyMs = 0
    package var unprocessed: [Int: ErrorCode] = [:]
}
package final class FaultInjector: Sendable {
    package init(_ config: FaultConfig) {}
    package func next(findingCount: Int) -> RequestFaults { RequestFaults() }
}
package struct PageTokenError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}
package struct PageTokenCodec: Sendable {
    package init(key: SymmetricKey) {}
    package func token(cursor: [UInt8], query fingerprint: [UInt8]) -> String {
        String(decoding: cursor, as: UTF8.self)
    }
    package func cursor(from token: String, query fingerprint: [UInt8]) throws(PageTokenError) -> [UInt8] {
        Array(token.utf8)
    }
}
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
