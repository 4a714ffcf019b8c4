import Dispatch
import Foundation
import Synchronization
import Testing
import TriageCore
import TriageStore
import TriageTestSupport

/// Queries on the reader connections while the writer writes: pages never repeat or miss a
/// finding whose sort key does not change, and a query never waits for the writer.
@Suite struct ConcurrentQueryTests {
    typealias Data = QueryTestData

    @Test(arguments: [
        "{}", #"{"SortCriteria": [{"Field": "ComplianceStatus", "SortOrder": "desc"}], "MaxResults": 77}"#,
    ])
    func pagingWhileAnotherThreadUpdatesReturnsEveryFindingOnce(body: String) throws {
        try Data.withStore(count: 10_000) { store in
            let query = try Data.query(body)
            let done = Atomic<Bool>(false)
            let updates = Atomic<Int>(0)
            let failures = Mutex<[String]>([])
            let finished = DispatchSemaphore(value: 0)
            // A thread of its own: the global queues may wait for a busy CPU before starting work.
            Thread {
                defer { finished.signal() }
                var round = 0
                var imported = 0
                while !done.load(ordering: .acquiring) {
                    round += 1
                    do {
                        // Updates change WorkflowStatus, SeverityLabel and Note, never UpdatedAt or Compliance.
                        let identifiers = (0..<50).map { Data.identifier(($0 * 211 + round * 17) % 10_000) }
                        let update = FindingUpdate(
                            note: NoteUpdate(text: "round \(round)", updatedBy: "test"),
                            severity: SeverityUpdate(label: SeverityLabel.allCases[round % 5]),
                            workflowStatus: WorkflowStatus.allCases[round % 4])
                        _ = try store.applyRequest(
                            identifiers: identifiers, update: update, now: "2026-02-01T00:00:00.000Z",
                            updatableAccounts: nil)
                        // New findings appear meanwhile (they may or may not be seen).
                        if round % 5 == 0 {
                            _ = try store.importRequest(
                                findings: (0..<20).map { Data.document(10_000 + imported + $0) },
                                importableAccounts: nil)
                            imported += 20
                        }
                        updates.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                        return
                    }
                }
            }.start()
            // Paging starts once updates run.
            _ = ProcessProbe.waitUntil(seconds: 60, interval: 0.001) {
                updates.load(ordering: .relaxed) > 0 || !failures.withLock { $0.isEmpty }
            }
            var seen: [String: Int] = [:]
            var cursor: [UInt8]?
            var pages = 0
            repeat {
                let page = try store.findings(query, visibleAccounts: nil, after: cursor, now: Data.now)
                for finding in page.findings { seen[Data.id(finding), default: 0] += 1 }
                cursor = page.cursor
                pages += 1
                // Every fifth page waits for the writer to commit once more, so that commits land
                // between the pages however the threads are scheduled.
                if pages % 5 == 0 {
                    let seen = updates.load(ordering: .relaxed)
                    let committed = ProcessProbe.waitUntil(seconds: 60, interval: 0.001) {
                        updates.load(ordering: .relaxed) > seen || !failures.withLock { $0.isEmpty }
                    }
                    try #require(committed, "the writer stopped committing")
                }
            } while cursor != nil
            let during = updates.load(ordering: .relaxed)
            done.store(true, ordering: .releasing)
            finished.wait()
            #expect(failures.withLock { $0 }.isEmpty)
            print("CONCURRENT updates during \(pages) pages: \(during)")
            #expect(during > 1)
            let originals = (0..<10_000).map { Data.identifier($0).id }
            #expect(originals.allSatisfy { seen[$0] == 1 })
            #expect(seen.values.allSatisfy { $0 == 1 })
        }
    }

    @Test func aQueryDoesNotWaitForTheWriter() throws {
        try Data.withStore(count: 200) { store in
            // The writer's queue is busy inside a long transaction (an export holding it).
            let entered = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let finished = DispatchSemaphore(value: 0)
            Thread {
                defer { finished.signal() }
                var first = true
                try? store.exportAll { _ in
                    if first {
                        first = false
                        entered.signal()
                        _ = release.wait(timeout: .now() + 20)
                    }
                }
            }.start()
            entered.wait()
            let start = Date()
            let page = try store.findings(FindingsQuery(), visibleAccounts: nil, after: nil, now: Data.now)
            let elapsed = Date().timeIntervalSince(start)
            release.signal()
            finished.wait()
            #expect(page.findings.count == 100)
            #expect(elapsed < 5, "the query waited \(elapsed) s for the writer")
        }
    }

    @Test func concurrentQueriesShareAFewReaderConnections() throws {
        var options = StoreOptions()
        options.readers = 2
        try StoreTestData.withStore(options: options) { store, _ in
            _ = try store.import(findings: (0..<300).map { Data.document($0) })
            let results = Mutex<[Int]>([])
            DispatchQueue.concurrentPerform(iterations: 16) { index in
                let query = FindingsQuery(maxResults: 1 + index)
                let count = (try? store.findings(query, visibleAccounts: nil, after: nil, now: Data.now))?.findings
                    .count
                results.withLock { $0.append(count ?? -1) }
            }
            #expect(results.withLock { $0.sorted() } == Array(1...16))
            #expect((1...2).contains(store.readerConnections))
        }
    }
}
