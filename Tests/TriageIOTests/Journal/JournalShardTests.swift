import Foundation
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

/// A journal's run entry keeps the shard, and its end entry the remote statistics, as written.
@Suite struct JournalShardTests {
    @Test func theShardAndTheRemoteStatisticsReadBackAsWritten() throws {
        let directory = TestPaths.temporaryDirectory("journal-shard")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("j.journal").path
        var remote = RemoteStatistics(endpoint: "http://127.0.0.1:4510")
        remote.retries = 2
        remote.throttled = 3
        remote.regions = [
            "us-east-1": .init(requests: 5, throttled: 3, findings: 400, retries: 2), "eu-west-1": .init(),
        ]
        remote.accounts = ["222222222222": .init(requests: 5, throttled: 3, findings: 400, retries: 2)]
        let header = JournalHeader(
            inputs: ["d.ndjson"], target: "securityhub", batchSize: 100, startedAt: "2026-01-01T00:00:00.000Z",
            shard: Shard(index: 2, count: 5))
        var end = JournalEnd(finishedAt: "2026-01-01T00:00:01.000Z", interrupted: false)
        end.remote = remote
        let writer = try JournalWriter(path: path, fresh: true)
        try writer.begin(header)
        try writer.end(end)
        try writer.close()
        let runs = try JournalReader.read(path: path)
        #expect(runs.count == 1)
        #expect(runs.first?.header == header)
        #expect(runs.first?.end == end)

        // A run without a shard or remote statistics writes neither member.
        let plain = directory.appendingPathComponent("plain.journal").path
        let other = try JournalWriter(path: plain, fresh: true)
        try other.begin(JournalHeader(inputs: ["d"], target: "store:s", batchSize: 10, startedAt: "x"))
        try other.end(JournalEnd(finishedAt: "y", interrupted: false))
        try other.close()
        let text = try String(contentsOfFile: plain, encoding: .utf8)
        #expect(!text.contains("shard") && !text.contains("remote"))
        #expect(try JournalReader.read(path: plain).first?.header.shard == nil)
    }
}
