import TriageCore

/// One record's final outcome as the journal keeps it.
package struct JournalRecord: Sendable, Equatable {
    /// Position in the run (0-based, across inputs); the same on a resumed run over the same inputs.
    package var sequence: Int
    /// Index of the input.
    package var input: Int
    /// 1-based line.
    package var line: Int
    /// `Id`, if the record named one.
    package var id: String?
    /// `ProductArn`, if the record named one.
    package var productArn: String?
    /// How the record ended.
    package var outcome: Outcome

    /// Creates a record.
    package init(sequence: Int, input: Int, line: Int, id: String?, productArn: String?, outcome: Outcome) {
        self.sequence = sequence
        self.input = input
        self.line = line
        self.id = id
        self.productArn = productArn
        self.outcome = outcome
    }
}

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

    /// Creates a header.
    package init(
        inputs: [String], fingerprints: [String] = [], target: String, destination: JournalDestination? = nil,
        batchSize: Int, startedAt: String
    ) {
        self.inputs = inputs
        self.fingerprints = fingerprints
        self.target = target
        self.destination = destination
        self.batchSize = batchSize
        self.startedAt = startedAt
    }
}
