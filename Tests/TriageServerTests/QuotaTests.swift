import Synchronization
import Testing
import TriageServer

/// The quota table with an injected clock: Security Hub's buckets per account, Region and
/// operation.
@Suite struct QuotaTests {
    /// A clock the test moves by hand, epoch milliseconds.
    final class ManualClock: Sendable {
        private let now = Mutex<Int64>(1_700_000_000_000)

        /// The current time.
        var milliseconds: Int64 { now.withLock { $0 } }

        /// Moves the time by `milliseconds` (negative: back).
        func advance(_ milliseconds: Int64) {
            now.withLock { $0 += milliseconds }
        }
    }

    private let clock = ManualClock()

    private func table(_ quotas: [ServeOperation: Quota] = Quota.securityHubDefaults) -> QuotaTable {
        let clock = self.clock
        return QuotaTable(quotas: quotas, clock: { clock.milliseconds })
    }

    /// How many of `count` requests are admitted now.
    private func admitted(
        _ table: QuotaTable, _ count: Int, account: String = "111111111111", region: String = "us-east-1",
        operation: ServeOperation = .batchUpdateFindings
    ) -> Int {
        (0..<count).filter { _ in table.admit(account: account, region: region, operation: operation) }.count
    }

    @Test func aBurstOf30ThenTenASecond() {
        let table = table()
        #expect(admitted(table, 40) == 30)
        clock.advance(100)
        #expect(admitted(table, 5) == 1)
        clock.advance(1_000)
        #expect(admitted(table, 20) == 10)
        // Sustained: one request every 100 ms always passes.
        for _ in 0..<50 {
            clock.advance(100)
            #expect(admitted(table, 1) == 1)
        }
        clock.advance(60_000)
        #expect(admitted(table, 40) == 30)
    }

    @Test func aWriteChargedToSeveralRegionsTakesATokenOfEachOrNone() {
        let table = table([.batchUpdateFindings: Quota(rate: 1, burst: 2)])
        let account = "111111111111"
        // eu-west-1 used up alone; us-east-1 full.
        #expect(admitted(table, 2, region: "eu-west-1") == 2)
        #expect(!table.admit(account: account, regions: ["us-east-1", "eu-west-1"], operation: .batchUpdateFindings))
        // The refused request took nothing of us-east-1's two tokens.
        #expect(admitted(table, 3, region: "us-east-1") == 2)
        clock.advance(1_000)
        #expect(table.admit(account: account, regions: ["us-east-1", "eu-west-1"], operation: .batchUpdateFindings))
        #expect(admitted(table, 1, region: "us-east-1") == 0 && admitted(table, 1, region: "eu-west-1") == 0)
        // A Region named twice is charged once.
        clock.advance(2_000)
        #expect(table.admit(account: account, regions: ["ap-south-1", "ap-south-1"], operation: .batchUpdateFindings))
        #expect(admitted(table, 2, region: "ap-south-1") == 1)
        // The other operations are all Security Hub's "other operations": 10/s, bursts of 30.
        let defaults = self.table()
        #expect(admitted(defaults, 40, operation: .listFindingAggregators) == 30)
        #expect(admitted(defaults, 40, operation: .getFindingAggregator) == 30)
    }

    @Test func getFindingsHasAQuotaOfItsOwn() {
        let table = table()
        #expect(admitted(table, 10, operation: .getFindings) == 6)
        clock.advance(1_000)
        #expect(admitted(table, 10, operation: .getFindings) == 3)
        #expect(admitted(table, 40, operation: .batchImportFindings) == 30)
        #expect(admitted(table, 40, operation: .batchUpdateFindings) == 30)
    }

    @Test func bucketsAreIndependentAcrossAccountsRegionsAndOperations() {
        let table = table()
        #expect(admitted(table, 30) == 30)
        #expect(admitted(table, 1) == 0)
        #expect(admitted(table, 31, account: "222222222222") == 30)
        #expect(admitted(table, 31, region: "eu-west-1") == 30)
        #expect(admitted(table, 31, operation: .batchImportFindings) == 30)
        #expect(admitted(table, 1) == 0)
        #expect(table.bucketCount == 4)
    }

    @Test func rateZeroOrAnUnlistedOperationNeverThrottles() {
        let table = table([.batchUpdateFindings: Quota(rate: 0, burst: 0), .getFindings: Quota(rate: 3, burst: 6)])
        #expect(admitted(table, 10_000) == 10_000)
        #expect(admitted(table, 10_000, operation: .batchImportFindings) == 10_000)
        #expect(admitted(table, 10, operation: .getFindings) == 6)
        #expect(table.bucketCount == 1)
    }

    @Test func aClockGoingBackRefillsNothing() {
        let table = table()
        #expect(admitted(table, 30) == 30)
        clock.advance(-5_000)
        #expect(admitted(table, 1) == 0)
        clock.advance(5_100)
        #expect(admitted(table, 5) == 1)
    }

    @Test func fullBucketsAreDroppedWhenTheTableGrows() {
        let table = table()
        for index in 0..<QuotaTable.sweepThreshold {
            #expect(admitted(table, 1, region: "region-\(index)") == 1)
        }
        #expect(table.bucketCount == QuotaTable.sweepThreshold)
        clock.advance(1_000)  // every bucket full again
        #expect(admitted(table, 31, region: "another") == 30)
        #expect(table.bucketCount == 1)
        #expect(admitted(table, 1, region: "another") == 0)
    }

    @Test func concurrentCallersShareOneBucket() async {
        let table = table()
        let granted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { self.admitted(table, 10) } }
            return await group.reduce(0, +)
        }
        #expect(granted == 30)
    }
}
