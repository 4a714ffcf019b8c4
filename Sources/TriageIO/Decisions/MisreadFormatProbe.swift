/// Tells once when an NDJSON input looks like CSV: the first records of an input (up to
/// ``window``, or all of them when there are fewer) all fail to parse, and its first failing line
/// reads as a CSV row naming a decision column.
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

    private var held: [DecodedRecord] = []
    private var looksLikeCSV = false
    private var settled = false

    /// Hands `record` (decoded from `line`) on through `emit`, or holds it while the first records
    /// all fail.
    mutating func take(
        _ record: DecodedRecord, line: UnsafeRawBufferPointer, emit: (DecodedRecord) -> Void
    ) {
        guard !settled else { return emit(record) }
        guard case .malformed = record else {
            // A record that parsed: the input is what its format says.
            settle(hinting: false, emit: emit)
            return emit(record)
        }
        if held.isEmpty { looksLikeCSV = Self.readsAsCSVHeader(line) }
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
        if hinting, looksLikeCSV, case .malformed(let line, let message) = held.first {
            held[0] = .malformed(line: line, message: message + Self.csvHint)
        }
        for record in held { emit(record) }
        held = []
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
