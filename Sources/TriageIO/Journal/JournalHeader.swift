import TriageCore

/// What a journal says about its run.
package struct JournalHeader: Sendable, Equatable {
    /// Input names as given.
    package var inputs: [String]
    /// Per input, `<size>:<modification time>` of the file (empty for standard input): a resumed
    /// run must read the same bytes, since records are identified by their position.
    package var fingerprints: [String] = []
    /// The target, e.g. `store:findings.sqlite`.
    package var target: String
    /// Where the run sends its decisions; nil in a journal written before destinations were
    /// recorded (``JournalDestination/init(targetName:)`` then reads `target`).
    package var destination: JournalDestination?
    /// `--batch-size`.
    package var batchSize: Int
    /// RFC 3339.
    package var startedAt: String
    /// The shard the run kept (`--shard`); nil for a run of every record.
    package var shard: Shard?

    /// Creates a header.
    package init(
        inputs: [String], fingerprints: [String] = [], target: String, destination: JournalDestination? = nil,
        batchSize: Int, startedAt: String, shard: Shard? = nil
    ) {
        self.inputs = inputs
        self.fingerprints = fingerprints
        self.target = target
        self.destination = destination
        self.batchSize = batchSize
        self.startedAt = startedAt
        self.shard = shard
    }
}
