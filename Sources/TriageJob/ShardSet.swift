import TriageCore
import TriageIO

/// The journals of a sharded run, checked before `triage report` merges them: one journal per
/// shard K of N, every K from 0 to N-1, each over the same inputs, each finished (an `end` entry).
///
/// Every problem is found, not only the first, and named with the shard and the journal: a merge
/// of a run missing shard 2 and with shard 0 unfinished says both at once.
struct ShardSet {
    /// One shard's journal as read.
    struct Member {
        /// The journal's path, as given.
        var path: String
        /// Its runs (several when `--resume` appended to it).
        var runs: [JournalReader.Run]
        /// The shard its first run names.
        var shard: Shard
    }

    /// The shards, in shard order.
    let members: [Member]

    /// Checks `journals` (path and runs, each with at least one run) as a sharded run's: throws a
    /// usage error naming every problem when they are not.
    init(_ journals: [(path: String, runs: [JournalReader.Run])]) throws(JobError) {
        var problems: [String] = []
        var members: [Member] = []
        for (path, runs) in journals {
            guard let shard = runs.first?.header.shard else {
                problems.append("\(path) is not a shard's journal (its run kept every record)")
                continue
            }
            if let odd = runs.first(where: { $0.header.shard != shard }) {
                let other = odd.header.shard.map { "shard \($0)" } ?? "no shard"
                problems.append("\(path) holds runs of shard \(shard) and of \(other)")
            }
            members.append(Member(path: path, runs: runs, shard: shard))
        }
        let counts = Set(members.map(\.shard.count))
        if counts.count > 1 {
            let named = members.map { "\($0.path) is shard \($0.shard)" }.joined(separator: ", ")
            problems.append("the journals are of runs with different shard counts (\(named))")
        }
        if problems.isEmpty, let count = counts.first {
            for index in 0..<count {
                let given = members.filter { $0.shard.index == index }
                if given.isEmpty {
                    problems.append("shard \(index)/\(count) is missing: no journal given names it")
                } else if given.count > 1 {
                    problems.append(
                        "shard \(index)/\(count) is given more than once: \(given.map(\.path).joined(separator: ", "))")
                }
            }
        }
        for member in members where member.runs.last?.ended != true {
            problems.append(
                "shard \(member.shard) (\(member.path)) is unfinished: its journal has no end entry (the run was "
                    + "killed, or is still going); finish it (the same command with --resume), then merge again")
        }
        if let first = members.first {
            for member in members.dropFirst() where !Self.sameInputs(first.runs[0].header, member.runs[0].header) {
                problems.append(
                    "shard \(member.shard) (\(member.path)) was run over other inputs than shard \(first.shard) "
                        + "(\(first.path)): \(Self.describe(member.runs[0].header)) against \(Self.describe(first.runs[0].header))"
                )
            }
        }
        guard problems.isEmpty else {
            throw JobError(.usage, "cannot merge the shards' journals: " + problems.joined(separator: "; "))
        }
        self.members = members.sorted { $0.shard.index < $1.shard.index }
    }

    /// Whether two shards read the same inputs: the same names, and the same fingerprints, where
    /// a file's is compared by its size only (each machine of a sharded run may have copied the
    /// inputs itself, at another modification time) and an S3 object's by its ETag.
    static func sameInputs(_ one: JournalHeader, _ other: JournalHeader) -> Bool {
        guard one.inputs == other.inputs else { return false }
        guard !one.fingerprints.isEmpty, !other.fingerprints.isEmpty else { return true }
        return one.fingerprints.map(content) == other.fingerprints.map(content)
    }

    /// What of a fingerprint names the content: a file's `<size>:<mtime>` its size, else all of it.
    private static func content(_ fingerprint: String) -> String {
        let parts = fingerprint.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isNumber) else { return fingerprint }
        return String(parts[0])
    }

    /// `a.ndjson (size 120)`, for a refusal.
    private static func describe(_ header: JournalHeader) -> String {
        header.inputs.enumerated().map { index, name in
            let fingerprint = index < header.fingerprints.count ? content(header.fingerprints[index]) : ""
            return fingerprint.isEmpty ? name : "\(name) (\(fingerprint))"
        }.joined(separator: " ")
    }
}
