import Foundation
import Synchronization
import Testing
import TriageCore
import TriageIO
import TriageJob
import TriageTestSupport

/// The journal's group commit asks the target to make its applied batches durable before the
/// journal entries recording them are synced; without a journal it never does.
@Suite struct JournalGroupCommitTests {
    /// Applies nothing, records what it is asked.
    final class RecordingTarget: ImmediateBatchTarget {
        struct Log {
            var applied = 0
            /// Batches applied when each sync was asked for.
            var syncs: [Int] = []
        }
        let log = Mutex(Log())
        let name = "recording"
        var defaultConcurrency: Int { 8 }

        func apply(_ batch: PlannedBatch) -> [Outcome] {
            usleep(200)  // let batches overlap
            log.withLock { $0.applied += 1 }
            return batch.members.map { _ in .processed }
        }

        func syncApplied() throws(CoreError) {
            log.withLock { $0.syncs.append($0.applied) }
        }
    }

    static func run(journal: Bool) throws -> (log: RecordingTarget.Log, entries: Int, records: Int) {
        let directory = TestPaths.temporaryDirectory("group-commit")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = SyntheticData(seed: 5, findingCount: 3_000)
        let input = directory.appendingPathComponent("decisions.ndjson").path
        var lines: [String] = []
        for index in 0..<3_000 {
            let identifier = data.identifier(index)
            var line: [UInt8] = Array(#"{"Id":"#.utf8)
            JSONText.appendString(identifier.id, to: &line)
            line.append(contentsOf: #","ProductArn":"#.utf8)
            JSONText.appendString(identifier.productArn, to: &line)
            line.append(contentsOf: #","Confidence":\#(index % 7)}"#.utf8)
            lines.append(String(decoding: line, as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let target = RecordingTarget()
        var configuration = RunConfiguration(inputs: [input])
        configuration.dryRun = false
        configuration.target = target
        let journalPath = directory.appendingPathComponent("run.journal").path
        if journal { configuration.journalPath = journalPath }
        let result = try DecisionJob(configuration: configuration).run()
        var entries = 0
        var records = 0
        if journal {
            for line in try String(contentsOfFile: journalPath, encoding: .utf8).split(separator: "\n")
            where line.contains(#""kind":"batch""#) {
                entries += 1
                records += line.components(separatedBy: "],[").count
            }
        }
        #expect(result.records == 3_000 && result.processed == 3_000)
        return (target.log.withLock { $0 }, entries, records)
    }

    @Test func theTargetIsSyncedBeforeTheJournalRecordsItsBatches() throws {
        let (log, entries, records) = try Self.run(journal: true)
        // 7 updates of about 430 findings: 5 batches each.
        #expect(log.applied == 35)
        #expect(entries == log.applied)
        #expect(records == 3_000)
        #expect(!log.syncs.isEmpty)
        #expect(log.syncs.count <= entries)
        // Each entry is synced only after a target sync that covered its batch: the last sync
        // covered them all.
        #expect(log.syncs.last == log.applied)
        #expect(log.syncs == log.syncs.sorted())
    }

    @Test func withoutAJournalTheTargetIsNeverSynced() throws {
        let (log, _, _) = try Self.run(journal: false)
        #expect(log.applied == 35)
        #expect(log.syncs.isEmpty)
    }
}
