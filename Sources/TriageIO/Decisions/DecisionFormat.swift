/// The format of a decisions input.
package enum DecisionFormat: String, Sendable, CaseIterable {
    /// One JSON object per line.
    case ndjson
    /// RFC 4180 CSV with a header row of dotted ASFF paths.
    case csv

    /// The format named by a file's extension (`.ndjson`, `.jsonl`, `.json`, `.csv`, each
    /// optionally followed by `.gz`), or nil.
    package static func fromExtension(of path: String) -> DecisionFormat? {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") || name.hasSuffix(".json") { return .ndjson }
        if name.hasSuffix(".csv") { return .csv }
        return nil
    }

    /// The format by content: NDJSON when the first byte that is not whitespace (after an optional
    /// UTF-8 byte order mark) is `{`, CSV otherwise.
    package static func sniff(_ prefix: some Collection<UInt8>) -> DecisionFormat {
        var bytes = prefix[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let first = bytes.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        return first == UInt8(ascii: "{") ? .ndjson : .csv
    }
}
