import TriageCore

/// Tells once when an NDJSON input is not decisions one object per line: the first records of an
/// input (up to ``window``, or all of them when there are fewer) all fail, and its first line
/// says what the input is instead —
/// - a CSV row naming a decision column: `try --format csv`;
/// - the start of a JSON array (`[`): convert with `jq -c '.[]'`;
/// - a JSON document spread over lines (a line that is `{`, or `"Name": value,`): `jq -c`;
/// - a finding (ASFF: `SchemaVersion` and the provider's members): `triage import` loads findings.
///
/// *Choice*: the hint (`this input looks like CSV: try --format csv`) is appended to the message
/// of the first failure, not emitted as a record of its own, so that every record read keeps
/// exactly one outcome and the counts do not change. To append it, the first failures are held
/// back until the window is full, a record parses, the input fails or ends; they are then handed
/// on, in order, unchanged but for that one message. At most ``window`` records are held.
struct MisreadFormatProbe {
    /// How many leading records must all fail.
    static let window = 5
    /// What the first failure's message gets.
    static let csvHint = " (this input looks like CSV: try --format csv)"
    static let arrayHint =
        " (this input looks like a JSON array: triage reads one object per line; convert with jq -c '.[]')"
    static let documentHint =
        " (this input looks like a pretty-printed JSON document: triage reads one object per line; "
        + "convert with jq -c '.[]?' or jq -c .)"
    static let findingsHint =
        " (this input looks like findings (ASFF), not decisions: load findings into the store with triage import)"

    private var held: [DecodedRecord] = []
    private var hint: String?
    private var settled = false

    /// Hands `record` (decoded from `line`) on through `emit`, or holds it while the first records
    /// all fail.
    mutating func take(
        _ record: DecodedRecord, line: UnsafeRawBufferPointer, emit: (DecodedRecord) -> Void
    ) {
        guard !settled else { return emit(record) }
        let failed: Bool
        switch record {
        case .malformed: failed = true
        case .checked(let verdicts, _): failed = Self.isFinding(verdicts)
        case .inputFailed: failed = false
        }
        guard failed else {
            // A record that parsed: the input is what its format says.
            settle(hinting: false, emit: emit)
            return emit(record)
        }
        if held.isEmpty { hint = Self.hint(firstLine: line, record: record) }
        held.append(record)
        if held.count == Self.window { settle(hinting: true, emit: emit) }
    }

    /// Hands on what is held: at the end of the input, or before the input's own failure (every
    /// record so far failed, so the hint applies).
    mutating func flush(emit: (DecodedRecord) -> Void) {
        settle(hinting: true, emit: emit)
    }

    private mutating func settle(hinting: Bool, emit: (DecodedRecord) -> Void) {
        guard !settled else { return }
        settled = true
        if hinting, let hint, let first = held.first {
            switch first {
            case .malformed(let line, let message):
                held[0] = .malformed(line: line, message: message + hint)
            case .checked(var verdicts, let line):
                if case .invalid(let identifier, var issues) = verdicts[0], !issues.isEmpty {
                    issues[issues.count - 1].problem += hint
                    verdicts[0] = .invalid(identifier, issues)
                    held[0] = .checked(verdicts, line: line)
                }
            case .inputFailed: break
            }
        }
        for record in held { emit(record) }
        held = []
    }

    /// What the first failing line says the input is, if anything.
    private static func hint(firstLine line: UnsafeRawBufferPointer, record: DecodedRecord) -> String? {
        if case .checked = record { return findingsHint }
        let trimmed = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        if trimmed.first == UInt8(ascii: "[") { return arrayHint }
        let content = trimmed.reversed().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if trimmed.first == UInt8(ascii: "{"), content.count == 1 { return documentHint }
        if trimmed.first == UInt8(ascii: "\""),
            content.first == UInt8(ascii: ",") || content.first == UInt8(ascii: "{")
                || content.first == UInt8(ascii: "[")
        {
            return documentHint
        }
        return readsAsCSVHeader(line) ? csvHint : nil
    }

    /// Whether a parsed line is a finding rather than a decision: every record it holds is invalid
    /// and names `SchemaVersion`, a member every finding has and no decision does.
    private static func isFinding(_ verdicts: [CheckedDecision]) -> Bool {
        verdicts.allSatisfy { verdict in
            guard case .invalid(_, let issues) = verdict else { return false }
            return issues.contains { $0.field == "SchemaVersion" }
        }
    }

    /// Whether `line` tokenizes as one CSV row of at least two fields, one of which names a
    /// decision column (`Id`, `Workflow.Status`, `UserDefinedFields.ticket`, ... in any case).
    static func readsAsCSVHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        var tokenizer = CSVTokenizer(maxRecordBytes: max(line.count, 1))
        var events: [CSVEvent] = []
        tokenizer.feed(line) { events.append($0) }
        tokenizer.finish { events.append($0) }
        guard events.count == 1, case .record(let fields, _) = events[0], fields.count >= 2 else { return false }
        return fields.contains { field in
            let name = field.trimmingASCIISpaces().lowercased()
            return CSVDecisionLayout.names[name] != nil || name.hasPrefix("userdefinedfields.")
        }
    }
}
