import TriageCore

extension JSONReportWriter {
    /// The summary's shard members: `"shard": {"index": K, "count": N}` for one shard's run, and
    /// for a merged report `"shards": [...]`, each shard's figures in shard order.
    static func appendShards(_ summary: ReportSummary, to out: inout [UInt8]) {
        if let shard = summary.shard {
            out.append(contentsOf: ", \"shard\": {\"index\": \(shard.index), \"count\": \(shard.count)}".utf8)
        }
        guard let shards = summary.shards else { return }
        out.append(contentsOf: ", \"shards\": [".utf8)
        for (position, entry) in shards.enumerated() {
            if position > 0 { out.append(contentsOf: ", ".utf8) }
            out.append(contentsOf: "{\"index\": \(entry.shard.index), \"count\": \(entry.shard.count), ".utf8)
            out.append(contentsOf: "\"journal\": ".utf8)
            JSONText.appendString(entry.journal, to: &out)
            out.append(contentsOf: ", \"records\": \(entry.records), \"processed\": \(entry.processed)".utf8)
            out.append(contentsOf: ", \"failed\": \(entry.failed), \"requests\": \(entry.requests)".utf8)
            out.append(contentsOf: ", \"startedAt\": ".utf8)
            JSONText.appendString(entry.startedAt, to: &out)
            out.append(contentsOf: ", \"finishedAt\": ".utf8)
            JSONText.appendString(entry.finishedAt, to: &out)
            out.append(contentsOf: ", \"interrupted\": \(entry.interrupted), \"remaining\": \(entry.remaining)".utf8)
            out.append(contentsOf: ", \"errors\": {".utf8)
            for (index, error) in entry.errors.sorted.enumerated() {
                if index > 0 { out.append(contentsOf: ", ".utf8) }
                JSONText.appendString(error.code.rawValue, to: &out)
                out.append(contentsOf: ": \(error.count)".utf8)
            }
            out.append(contentsOf: "}}".utf8)
        }
        out.append(UInt8(ascii: "]"))
    }
}
