/// A streaming RFC 4180 tokenizer over byte chunks: comma separator, `"` quote, records end at LF
/// or CRLF outside quotes. Records may span chunks and physical lines.
///
/// Rules beyond RFC 4180 (each one chosen so that real exports still read):
/// - A UTF-8 BOM at the very start of the input is dropped.
/// - An empty line is a record with one empty field, `[""]`. A final record without a line end counts.
/// - CR and LF inside quotes are kept in the field as they are. A lone CR (not followed by LF)
///   outside quotes is data in its field, also at the end of the input.
/// - A `"` inside an unquoted field is kept literally (Apache Commons CSV's RFC4180 format does the same).
/// - After a closing quote, spaces and tabs are skipped (as Apache Commons CSV does); then only a
///   comma, LF, CRLF or the end of input may follow. Anything else makes the record malformed; the
///   rest of that field is then read as unquoted text, so the record ends at the next LF outside quotes.
/// - Fields must be valid UTF-8; NUL bytes are data.
///
/// Memory is flat: bytes are buffered only for a field that crosses a chunk boundary, and a record
/// longer than `maxRecordBytes` is skipped without buffering. Decoded fields of one record are held
/// until it ends (at most `maxRecordBytes` bytes of text plus 16 bytes per field).
package struct CSVTokenizer {
    /// Where the scanner is inside the current record.
    enum State: UInt8 {
        case fieldStart, unquoted, unquotedCR, quoted, quoteInQuoted, afterQuote, afterQuoteCR
    }

    /// The longest record accepted, in bytes: everything from its first byte up to (not including) the
    /// LF that ends it (so a CRLF record counts its CR).
    package let maxRecordBytes: Int
    var state = State.fieldStart
    /// 1-based physical line of the next byte (LF count + 1).
    var line = 1
    /// 1-based physical line where the current record starts.
    var recordLine = 1
    /// Bytes of the current record that arrived in earlier chunks.
    var carried = 0
    /// Fields completed in the current record, also while skipping it.
    var fieldIndex = 0
    /// Decoded fields of the current record (reused between records when the consumer drops them).
    var fields: [String] = []
    /// Bytes of the current field that arrived in earlier chunks (quotes already removed).
    var buffer: [UInt8] = []
    /// Why the current record is malformed; while set, the record is scanned but nothing is kept.
    var failure: String?
    /// Leading bytes that matched the BOM so far, while `bomDone` is false.
    var bomMatched = 0
    var bomDone = false

    /// Creates a tokenizer for one input.
    /// - Parameter maxRecordBytes: longest record accepted, in bytes (default 1 MiB); longer records
    ///   become `.malformed` events and are skipped without being buffered.
    package init(maxRecordBytes: Int = 1 << 20) {
        self.maxRecordBytes = maxRecordBytes
    }

    /// Feeds the next chunk of the input; calls `emit` for every record the chunk completes, in order.
    /// The chunk is not retained; any size works (1 byte up to the whole input).
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (CSVEvent) -> Void) {
        guard let raw = chunk.baseAddress, !chunk.isEmpty else { return }
        var start = raw.assumingMemoryBound(to: UInt8.self)
        var count = chunk.count
        if !bomDone {
            var matched = 0
            while matched < count, bomMatched < 3, start[matched] == CSVTokenizer.bom[bomMatched] {
                matched += 1
                bomMatched += 1
            }
            if bomMatched == 3 {
                bomDone = true
            } else if matched == count {
                return  // still a possible BOM: hold it until the next chunk or `finish`
            } else {
                replayHeldBOMPrefix(emit)
            }
            start += matched
            count -= matched
        }
        if count > 0 { scan(start, count, emit) }
    }

    /// Ends the input: emits the last record (a final record without a line end counts), or a
    /// `.malformed` event `unterminated quoted field` when the input ends inside quotes. Afterwards the
    /// tokenizer is back in its initial state (line 1, BOM check on) and may read another input.
    package mutating func finish(_ emit: (CSVEvent) -> Void) {
        if !bomDone { replayHeldBOMPrefix(emit) }
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        switch state {
        case .fieldStart:
            if fieldIndex > 0 {
                endField(none, raw: carried)
                endRecord(raw: carried, emit)
            }
        case .unquoted, .quoteInQuoted:
            endField(none, raw: carried)
            endRecord(raw: carried, emit)
        case .unquotedCR:
            if failure == nil { buffer.append(CSVTokenizer.cr) }
            endField(none, raw: carried)
            endRecord(raw: carried, emit)
        case .afterQuote, .afterQuoteCR:
            endRecord(raw: carried, emit)
        case .quoted:
            // Beats "too long": the open quote is what swallowed the rest of the input.
            emit(.malformed(line: recordLine, reason: "unterminated quoted field"))
        }
        self = CSVTokenizer(maxRecordBytes: maxRecordBytes)
    }

    /// Scans the 1–2 BOM bytes held back at the start of the input as ordinary data.
    private mutating func replayHeldBOMPrefix(_ emit: (CSVEvent) -> Void) {
        bomDone = true
        let held = bomMatched
        bomMatched = 0
        guard held > 0 else { return }
        CSVTokenizer.bom.withUnsafeBufferPointer { scan($0.baseAddress!, held, emit) }
    }
}

extension CSVTokenizer {
    static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    /// Completes the current field: its bytes are `buffer` followed by `tail`. `raw` is the record's
    /// length so far, checked against the limit before any String is made.
    @inline(__always)
    mutating func endField(_ tail: UnsafeBufferPointer<UInt8>, raw: Int) {
        fieldIndex &+= 1
        guard failure == nil else { return }
        if raw > maxRecordBytes {
            fail(tooLongReason)
            return
        }
        let text: String?
        if buffer.isEmpty {
            text = CSVTokenizer.text(tail)
        } else {
            buffer.append(contentsOf: tail)
            text = buffer.withUnsafeBufferPointer { CSVTokenizer.text($0) }
            buffer.removeAll(keepingCapacity: true)
        }
        guard let text else {
            fail("invalid UTF-8 in field \(fieldIndex)")
            return
        }
        fields.append(text)
    }

    /// Emits the current record (or why it is malformed) and starts the next one on the next line.
    /// `raw` is the record's length without its LF; a record over the limit is reported as too long
    /// whatever else went wrong in it, so that the event does not depend on how the input was chunked.
    @inline(__always)
    mutating func endRecord(raw: Int, _ emit: (CSVEvent) -> Void) {
        if raw > maxRecordBytes { failure = tooLongReason }
        if let failure {
            emit(.malformed(line: recordLine, reason: failure))
            self.failure = nil
        } else {
            emit(.record(fields: fields, line: recordLine))
        }
        fields.removeAll(keepingCapacity: true)
        fieldIndex = 0
        carried = 0
        line &+= 1
        recordLine = line
    }

    /// Marks the current record malformed (the first reason wins) and drops what was kept of it.
    mutating func fail(_ reason: String) {
        if failure == nil { failure = reason }
        buffer.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
    }

    var tooLongReason: String { "record longer than \(maxRecordBytes) bytes" }

    /// The reason for a byte that may not follow a closing quote.
    static func unexpectedReason(_ byte: UInt8, field: Int) -> String {
        let what: String
        if byte > 0x20 && byte < 0x7F {
            what = "character '\(Character(Unicode.Scalar(byte)))'"
        } else {
            let hex = String(byte, radix: 16, uppercase: true)
            what = "byte 0x\(hex.count < 2 ? "0" + hex : hex)"
        }
        return "unexpected \(what) after closing quote in field \(field)"
    }
}
