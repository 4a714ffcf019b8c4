import Testing
import TriageCore
import TriageTestSupport

func plan(
    _ decisions: [(FindingIdentifier, CanonicalUpdate)], batchSize: Int = 100, maxOpenGroups: Int = 1024
) -> [PlannedBatch] {
    var planner = BatchPlanner(batchSize: batchSize, maxOpenGroups: maxOpenGroups)
    var batches: [PlannedBatch] = []
    for (sequence, (identifier, update)) in decisions.enumerated() {
        planner.add(BatchMember(sequence: sequence, identifier: identifier), update: update) { batches.append($0) }
    }
    planner.finish { batches.append($0) }
    return batches
}

let statuses: [CanonicalUpdate] =
    (WorkflowStatus.allCases.map { FindingUpdate(workflowStatus: $0) }
    + [FindingUpdate(confidence: 0), FindingUpdate(confidence: 1)]).map(CanonicalUpdate.init)

@Suite struct BatchPlannerTests {
    @Test(arguments: [1, 7, 100])
    func fewestRequestsWithoutRepeats(batchSize: Int) {
        var generator = SplitMix64(state: 42)
        var counts = [Int](repeating: 0, count: statuses.count)
        let decisions = (0..<2_345).map { index -> (FindingIdentifier, CanonicalUpdate) in
            let k = Int(generator.next() % UInt64(statuses.count))
            counts[k] += 1
            return (FindingIdentifier(id: "f\(index)", productArn: "p"), statuses[k])
        }
        let batches = plan(decisions, batchSize: batchSize)
        let expected = counts.map { ($0 + batchSize - 1) / batchSize }.reduce(0, +)
        #expect(batches.count == expected)
        #expect(batches.map(\.members.count).reduce(0, +) == decisions.count)
        #expect(batches.allSatisfy { $0.members.count <= batchSize && !$0.members.isEmpty })
        for batch in batches {
            #expect(batch.members.allSatisfy { decisions[$0.sequence].1 == batch.update })
        }
    }

    @Test func repeatedFindingNeverSharesABatchAndKeepsOrder() {
        var generator = SplitMix64(state: 7)
        let decisions = (0..<5_000).map { _ -> (FindingIdentifier, CanonicalUpdate) in
            let finding = Int(generator.next() % 60)
            return (FindingIdentifier(id: "f\(finding)", productArn: "p"), statuses[Int(generator.next() % 3)])
        }
        let batches = plan(decisions, batchSize: 100)
        var seen = Set<Int>()
        var lastBatchOfFinding: [FindingIdentifier: (batch: Int, sequence: Int)] = [:]
        for (index, batch) in batches.enumerated() {
            let identifiers = batch.members.map(\.identifier)
            #expect(Set(identifiers).count == identifiers.count, "a finding twice in one batch")
            for member in batch.members {
                #expect(seen.insert(member.sequence).inserted)
                if let last = lastBatchOfFinding[member.identifier] {
                    // A later decision of a finding is in a later batch.
                    #expect(last.batch < index && last.sequence < member.sequence)
                }
                lastBatchOfFinding[member.identifier] = (index, member.sequence)
            }
        }
        #expect(seen.count == decisions.count)
    }

    @Test func openGroupsAreCapped() {
        // 10 distinct updates interleaved with a cap of 4 open groups: every record is planned once,
        // and more requests than the unbounded minimum are needed.
        let updates = (0..<10).map { CanonicalUpdate(FindingUpdate(confidence: $0)) }
        let decisions = (0..<1_000).map { (FindingIdentifier(id: "f\($0)", productArn: "p"), updates[$0 % 10]) }
        let capped = plan(decisions, batchSize: 100, maxOpenGroups: 4)
        let unbounded = plan(decisions, batchSize: 100)
        #expect(unbounded.count == 10)
        #expect(capped.count > 10)
        #expect(capped.map(\.members.count).reduce(0, +) == 1_000)
    }
}

@Suite struct InFlightFindingsTests {
    func members(_ ids: [String]) -> [BatchMember] {
        ids.enumerated().map {
            BatchMember(sequence: $0.offset, identifier: FindingIdentifier(id: $0.element, productArn: "p"))
        }
    }

    @Test func aBatchWaitsForRunningBatchesThatShareAFinding() {
        var gate = InFlightFindings()
        #expect(gate.canStart(members(["a", "b"])))
        gate.start(members(["a", "b"]))
        #expect(!gate.canStart(members(["c", "b"])))
        #expect(gate.canStart(members(["c", "d"])))
        gate.start(members(["c", "d"]))
        gate.finish(members(["a", "b"]))
        #expect(gate.canStart(members(["b"])))
        #expect(!gate.canStart(members(["d"])))
        gate.finish(members(["c", "d"]))
        #expect(gate.count == 0)
    }
}
