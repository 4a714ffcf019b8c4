import TriageIO

extension ReportRenderer {
    /// The JUnit properties naming the shard: `shard` (`K/N`) for one shard's run, `shards` (N)
    /// for a report merged from a sharded run's journals; none otherwise.
    var shardProperties: [(name: String, value: String)] {
        if let shard = summary.shard { return [(name: "shard", value: "\(shard)")] }
        if let count = summary.shards?.first?.shard.count { return [(name: "shards", value: String(count))] }
        return []
    }
}
