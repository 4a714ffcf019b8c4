import Testing
import TriageCore

/// With `--assume-role` the planner keys batches on the account too, so that one account's role
/// sends a batch; the key-order window keeps each decision's account.
struct AccountBatchingTests {
    @Test("batches never mix accounts; each batch's lane is its account and Region")
    func batchesKeepToOneAccount() {
        var planner = BatchPlanner(batchSize: 100)
        var batches: [PlannedBatch] = []
        let accounts = ["222222222222", "333333333333", nil]
        for index in 0..<300 {
            let account = accounts[index % 3]
            let member = BatchMember(
                sequence: index, identifier: FindingIdentifier(id: "f\(index)", productArn: "p"), account: account)
            planner.add(member, update: statuses[0], region: "us-east-1", account: account) { batches.append($0) }
        }
        planner.finish { batches.append($0) }
        #expect(batches.count == 3)
        for batch in batches {
            #expect(batch.members.allSatisfy { $0.account == batch.account })
            #expect(batch.lane == LaneKey(account: batch.account, region: "us-east-1"))
        }
        #expect(
            Set(batches.map(\.lane.description)) == [
                "us-east-1 (account 222222222222)", "us-east-1 (account 333333333333)", "us-east-1",
            ])
    }

    @Test("the key-order window gives each decision back with its account, drained or discarded")
    func windowKeepsAccounts() {
        func filled() -> KeyOrderWindow {
            var window = KeyOrderWindow(capacity: 10)
            for index in 0..<6 {
                let member = BatchMember(
                    sequence: index, identifier: FindingIdentifier(id: "f\(5 - index)", productArn: "p"),
                    account: index % 2 == 0 ? "44444444444\(index)" : nil)
                window.append(KeyOrderWindow.Entry(member, update: statuses[0]))
            }
            return window
        }
        var window = filled()
        var seen: [KeyOrderWindow.Entry] = []
        _ = window.drain { entry in
            seen.append(entry)
            return true
        }
        var discarding = filled()
        for entries in [seen, discarding.discard()] {
            #expect(entries.count == 6)
            for entry in entries {
                #expect(
                    entry.member.account
                        == (entry.member.sequence % 2 == 0 ? "44444444444\(entry.member.sequence)" : nil))
            }
        }
    }
}
