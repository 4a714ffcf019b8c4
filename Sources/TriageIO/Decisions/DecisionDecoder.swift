import TriageCore

/// A record as the decoding stage hands it on: a draft to validate, or a record that could not
/// be parsed.
package enum DecodedRecord: Sendable {
    /// A parsed and checked record starting at `line`: one verdict per record it holds (several
    /// for a whole-request line).
    case checked([CheckedDecision], line: Int)
    /// A line or row that could not be parsed: `MalformedRecord`.
    case malformed(line: Int, message: String)
    /// The input broke after `line`: `MalformedInput`.
    case inputFailed(line: Int, message: String)
}

/// The decoding stage for one input: turns ``InputPiece``s into ``DecodedRecord``s in order.
///
/// NDJSON: blank lines are skipped; each other line must be one JSON object; when the first
/// records all fail and the input looks like CSV, the first failure says so
/// (``MisreadFormatProbe``). CSV: the first non-empty row is the header (one that cannot be
/// tokenized or used throws ``TriageIOError``, fatal for the run, with a hint when the input
/// starts like NDJSON); rows of all-empty cells are skipped; a row with another number of cells
/// than the header is malformed.
package struct DecisionDecoder {
    /// The input's format.
    package let format: DecisionFormat
    private let maxLineBytes: Int
    private let lines: DecisionLineDecoder
    private let defaultNoteAuthor: String?
    private var tokenizer: CSVTokenizer
    private var layout: CSVDecisionLayout?
    private var headerError: TriageIOError?
    /// The last line a record was seen on (CSV), for input failures.
    private var lastLine = 0
    /// NDJSON: holds the first failures back to say once if the input looks like CSV.
    private var probe = MisreadFormatProbe()
    /// CSV: what the first bytes say the input is (``DecisionFormat/sniff(_:)``), for a hint when
    /// the header cannot be used; nil until a byte other than whitespace and the BOM was seen.
    private var contentFormat: DecisionFormat?
    /// CSV: leading bytes seen while `contentFormat` is nil, and how many of them matched the BOM.
    private var leadingBytes = 0
    private var byteOrderMarkMatched = 0

    /// Creates a decoder. `lines` may be shared by the decoders of one thread (its cache of
    /// checked updates then serves every input); `defaultNoteAuthor` is `--updated-by`.
    package init(
        format: DecisionFormat, maxLineBytes: Int = 1 << 20, defaultNoteAuthor: String? = nil,
        lines: DecisionLineDecoder? = nil
    ) {
        self.format = format
        self.maxLineBytes = maxLineBytes
        self.defaultNoteAuthor = defaultNoteAuthor
        self.lines = lines ?? DecisionLineDecoder(defaultNoteAuthor: defaultNoteAuthor)
        self.tokenizer = CSVTokenizer(maxRecordBytes: maxLineBytes)
    }

    /// The CSV layout once the header was read.
    package var csvLayout: CSVDecisionLayout? { layout }

    /// Decodes a piece, calling `emit` for each record in order.
    package mutating func decode(_ piece: InputPiece, emit: (DecodedRecord) -> Void) throws(TriageIOError) {
        switch piece {
        case .lines(let block):
            block.bytes.withUnsafeBytes { bytes in
                for span in block.lines {
                    guard let record = decodeLine(bytes, span) else { continue }
                    probe.take(record, line: UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end]), emit: emit)
                }
            }
        case .bytes(let chunk):
            if contentFormat == nil { noteLeadingBytes(chunk) }
            var events: [CSVEvent] = []
            chunk.withUnsafeBytes { bytes in tokenizer.feed(bytes) { events.append($0) } }
            for event in events { try handle(event, emit: emit) }
        case .failed(let error, let lastLine):
            probe.flush(emit: emit)
            let line = format == .ndjson ? lastLine : self.lastLine
            emit(.inputFailed(line: line + 1, message: "\(error.message) after line \(line)"))
        }
    }

    /// Ends the input (emits a final CSV record without a line end).
    package mutating func finish(emit: (DecodedRecord) -> Void) throws(TriageIOError) {
        probe.flush(emit: emit)
        guard format == .csv else { return }
        var events: [CSVEvent] = []
        tokenizer.finish { events.append($0) }
        for event in events { try handle(event, emit: emit) }
    }

    /// Decodes one NDJSON line; nil for a blank line.
    private func decodeLine(_ bytes: UnsafeRawBufferPointer, _ span: LineSpan) -> DecodedRecord? {
        if let length = span.oversizedLength {
            return .malformed(
                line: span.number, message: "line is \(length) bytes long; the limit is \(maxLineBytes) bytes")
        }
        switch lines.decode(UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])) {
        case .blank: return nil
        case .malformed(let message): return .malformed(line: span.number, message: message)
        case .checked(let verdicts): return .checked(verdicts, line: span.number)
        }
    }

    private mutating func handle(_ event: CSVEvent, emit: (DecodedRecord) -> Void) throws(TriageIOError) {
        switch event {
        case .malformed(let line, let reason):
            lastLine = line
            // The first row is the header, whatever it holds: one that cannot be read is unusable.
            guard layout != nil else { throw headerFailure("the header row cannot be read: \(reason)") }
            emit(.malformed(line: line, message: reason))
        case .record(let fields, let line):
            lastLine = line
            if fields.allSatisfy(\.isEmpty) { return }
            guard let layout else {
                if let headerError { throw headerError }
                do {
                    layout = try CSVDecisionLayout(header: fields)
                } catch {
                    throw headerFailure(error.message)
                }
                return
            }
            guard fields.count == layout.width else {
                emit(.malformed(line: line, message: "row has \(fields.count) fields; the header has \(layout.width)"))
                return
            }
            emit(.checked(layout.draft(cells: fields).validate(defaultNoteAuthor: defaultNoteAuthor), line: line))
        }
    }

    /// The header error for `message`, kept (it is thrown again by later events), with a hint
    /// when the input starts like NDJSON.
    private mutating func headerFailure(_ message: String) -> TriageIOError {
        if let headerError { return headerError }
        let hint = contentFormat == .ndjson ? " (this input looks like NDJSON: try --format ndjson)" : ""
        let error = TriageIOError(.invalidCSVHeader, message + hint)
        headerError = error
        return error
    }

    /// Finds the first byte of a CSV input that is not whitespace or its BOM, and what it says.
    private mutating func noteLeadingBytes(_ chunk: [UInt8]) {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        for byte in chunk {
            defer { leadingBytes += 1 }
            if leadingBytes < 3, byteOrderMarkMatched == leadingBytes, byte == byteOrderMark[leadingBytes] {
                byteOrderMarkMatched += 1
                continue
            }
            if byteOrderMarkMatched > 0 && byteOrderMarkMatched < 3 {
                contentFormat = .csv  // a BOM cut short: its bytes were data
                return
            }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { continue }
            contentFormat = DecisionFormat.sniff([byte])
            return
        }
    }
}
