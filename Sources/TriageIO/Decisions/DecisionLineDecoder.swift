import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// Decodes NDJSON decision lines, checking each distinct update only once.
///
/// Millions of decisions usually share a handful of updates. The fast path scans a line's
/// top-level members without building a tree: it reads `Id` and `ProductArn`, validates every
/// other member's JSON while skipping it, and looks the raw bytes of those update members up in
/// a cache of verdicts. Anything unusual (a whole-request line, escapes or non-ASCII bytes in
/// keys, a duplicated member, a non-string identifier, invalid JSON or UTF-8) takes the slow
/// path: the full parser and ``UpdateDraft/init(decisionObject:)``, which give the same verdicts
/// and the precise messages. The fast path never words a problem of its own: whatever it cannot
/// read, the full parser reports.
/// Not thread-safe: one decoder per thread.
package final class DecisionLineDecoder {
    /// What a line holds.
    package enum Verdict {
        /// Only whitespace: skipped.
        case blank
        /// Not a JSON object: the message says why.
        case malformed(String)
        /// One verdict per record (several for a whole-request line).
        case checked([CheckedDecision])
    }

    private struct CacheEntry {
        var bytes: [UInt8]
        var verdict: UpdateVerdict
    }

    private let defaultNoteAuthor: String?
    private let cacheCapacity: Int
    private var cache: [Int: [CacheEntry]] = [:]
    private var cacheCount = 0
    private var updateBytes: [UInt8] = []
    /// Recently seen `ProductArn` values (raw JSON bytes, string): a run has a handful of products,
    /// and sharing one String per product saves an allocation per record.
    private var recentProductArns: [(bytes: [UInt8], value: String)] = []

    /// Creates a decoder; `defaultNoteAuthor` is `--updated-by`.
    package init(defaultNoteAuthor: String?, cacheCapacity: Int = 4096) {
        self.defaultNoteAuthor = defaultNoteAuthor
        self.cacheCapacity = cacheCapacity
        updateBytes.reserveCapacity(1024)
    }

    /// Decodes one line (without its line end).
    package func decode(_ line: UnsafeRawBufferPointer) -> Verdict {
        if line.allSatisfy(Self.isWhitespace) { return .blank }
        if let fast = fastPath(line) { return .checked([fast]) }
        return slowPath(line)
    }

    /// The full parser and the draft: every record shape, every message.
    private func slowPath(_ line: UnsafeRawBufferPointer) -> Verdict {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .malformed("invalid JSON: \(error)")
        }
        guard case .object(let members) = value else {
            return .malformed("a record must be a JSON object, not \(value.typeName)")
        }
        return .checked(UpdateDraft(decisionObject: members).validate(defaultNoteAuthor: defaultNoteAuthor))
    }

    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    private static func skipWhitespace(_ line: UnsafeRawBufferPointer, _ index: Int) -> Int {
        var index = index
        while index < line.count, isWhitespace(line[index]) { index &+= 1 }
        return index
    }

    private static let idKey = Array("Id".utf8)
    private static let productArnKey = Array("ProductArn".utf8)
    private static let accountKey = Array("AwsAccountId".utf8)
    private static let updateKeys: [[UInt8]] = Limits.updateMembers.map { Array($0.utf8) }

    /// The verdict of a plain decision record, or nil to take the slow path.
    private func fastPath(_ line: UnsafeRawBufferPointer) -> CheckedDecision? {
        var index = Self.skipWhitespace(line, 0)
        guard index < line.count, line[index] == UInt8(ascii: "{") else { return nil }
        index = Self.skipWhitespace(line, index &+ 1)
        var id: String?
        var productArn: String?
        var account: String?
        var seen: UInt32 = 0
        updateBytes.removeAll(keepingCapacity: true)
        while true {
            guard index < line.count, line[index] == UInt8(ascii: "\"") else { return nil }
            let memberStart = index
            var keyEnd = index &+ 1
            while keyEnd < line.count {
                let byte = line[keyEnd]
                if byte == UInt8(ascii: "\"") { break }
                // Escapes, control characters and non-ASCII bytes go to the full parser, which
                // validates keys as it validates every other string (invalid UTF-8 in a key is
                // then malformed at its offset, as in a value); known keys are plain ASCII.
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
                keyEnd &+= 1
            }
            guard keyEnd < line.count else { return nil }
            let key = UnsafeRawBufferPointer(rebasing: line[(memberStart &+ 1)..<keyEnd])
            index = Self.skipWhitespace(line, keyEnd &+ 1)
            guard index < line.count, line[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = Self.skipWhitespace(line, index &+ 1)
            guard let valueEnd = try? JSONParser.valueEnd(in: line, from: valueStart) else { return nil }

            if key.elementsEqual(Self.idKey) || key.elementsEqual(Self.productArnKey) {
                let isId = key.count == 2
                let bit: UInt32 = isId ? 1 : 2
                guard seen & bit == 0, line[valueStart] == UInt8(ascii: "\"") else { return nil }
                seen |= bit
                if isId {
                    guard let text = Self.plainString(line, from: valueStart, to: valueEnd) else { return nil }
                    id = text
                } else {
                    guard let text = internedProductArn(line, from: valueStart, to: valueEnd) else { return nil }
                    productArn = text
                }
            } else if key.elementsEqual(Self.accountKey) {
                // The routing member: a plain string, or the slow path says why not.
                guard account == nil, line[valueStart] == UInt8(ascii: "\""),
                    let text = Self.plainString(line, from: valueStart, to: valueEnd)
                else { return nil }
                account = text
            } else {
                if let position = Self.updateKeys.firstIndex(where: { key.elementsEqual($0) }) {
                    let bit: UInt32 = 4 << UInt32(position)
                    guard seen & bit == 0 else { return nil }
                    seen |= bit
                } else if key.elementsEqual("FindingIdentifiers".utf8) {
                    return nil
                }
                if !updateBytes.isEmpty { updateBytes.append(UInt8(ascii: ",")) }
                updateBytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[memberStart..<valueEnd]))
            }

            index = Self.skipWhitespace(line, valueEnd)
            guard index < line.count else { return nil }
            if line[index] == UInt8(ascii: ",") {
                index = Self.skipWhitespace(line, index &+ 1)
                continue
            }
            guard line[index] == UInt8(ascii: "}") else { return nil }
            guard Self.skipWhitespace(line, index &+ 1) == line.count else { return nil }
            break
        }
        guard let verdict = cachedVerdict() else { return nil }
        return CheckedDecision.combining(
            RawIdentifier(id: id, productArn: productArn, account: account), update: verdict)
    }

    /// The string value in `line[start..<end]` (quotes included, already validated by
    /// `valueEnd`) when it has no escapes; nil otherwise.
    @inline(__always)
    private static func plainString(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> String? {
        let body = UnsafeRawBufferPointer(rebasing: line[(start &+ 1)..<(end &- 1)])
        if body.contains(UInt8(ascii: "\\")) {
            guard case .string(let text)? = try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: line[start..<end]))
            else { return nil }
            return text
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// `ProductArn` from a small cache of recent values, or decoded.
    private func internedProductArn(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> String? {
        let raw = UnsafeRawBufferPointer(rebasing: line[start..<end])
        for index in recentProductArns.indices where recentProductArns[index].bytes.count == raw.count {
            if recentProductArns[index].bytes.withUnsafeBytes({
                memcmp($0.baseAddress!, raw.baseAddress!, raw.count) == 0
            }) {
                return recentProductArns[index].value
            }
        }
        guard let value = Self.plainString(line, from: start, to: end) else { return nil }
        if recentProductArns.count >= 32 { recentProductArns.removeFirst() }
        recentProductArns.append((Array(raw), value))
        return value
    }

    /// The verdict on `updateBytes` (the update members' raw JSON, comma-separated); nil when
    /// they do not read as an object (then the line takes the slow path, which says why).
    private func cachedVerdict() -> UpdateVerdict? {
        var hasher = Hasher()
        updateBytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        let hash = hasher.finalize()
        if let entries = cache[hash] {
            for entry in entries where entry.bytes == updateBytes { return entry.verdict }
        }
        var object: [UInt8] = [UInt8(ascii: "{")]
        object.append(contentsOf: updateBytes)
        object.append(UInt8(ascii: "}"))
        guard case .object(let members)? = try? JSONParser.parse(object) else { return nil }
        let verdict = UpdateDraft(decisionObject: members).checkUpdate(defaultNoteAuthor: defaultNoteAuthor)
        if cacheCount >= cacheCapacity {
            cache.removeAll(keepingCapacity: true)
            cacheCount = 0
        }
        cache[hash, default: []].append(CacheEntry(bytes: updateBytes, verdict: verdict))
        cacheCount += 1
        return verdict
    }
}
