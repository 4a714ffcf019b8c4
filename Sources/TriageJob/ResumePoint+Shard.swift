import TriageCore
import TriageIO

extension ResumePoint {
    /// Why a run recorded with `header` in `journal` cannot be resumed by the shard `shard` (nil:
    /// every record); nil when it can. Another shard's journal records another shard's records as
    /// done: resuming with it would apply this shard's records as if none had been.
    static func shardRefusal(_ header: JournalHeader, journal: String, shard: Shard?) -> String? {
        guard header.shard != shard else { return nil }
        func name(_ shard: Shard?) -> String { shard.map { "shard \($0)" } ?? "every record (no shard)" }
        return "cannot resume: the journal \(journal) was written for \(name(header.shard)), this run is "
            + "\(name(shard)); give each shard its own journal, or run without --resume to start afresh"
    }
}
