import TriageCore

/// The `shard` member of a journal's `run` entry: `{"index": K, "count": N}` (`--shard K/N`).
package enum JournalShard {
    /// The shard a `shard` member names; nil when it is not `{"index": K, "count": N}` with
    /// `0 <= K < N`.
    package static func shard(_ value: JSONValue) -> Shard? {
        guard case .object(let members) = value else { return nil }
        func number(_ key: String) -> Int? {
            if case .number(let number)? = members.first(where: { $0.key == key })?.value {
                number.intValue
            } else {
                nil
            }
        }
        guard let index = number("index"), let count = number("count") else { return nil }
        return Shard(index: index, count: count)
    }
}
