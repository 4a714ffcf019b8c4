import CZlib
import TriageCore

/// Reads a run journal written by ``JournalWriter``. A last entry that is torn (no line end, a
/// checksum that does not match, JSON that does not parse) is ignored; a broken entry before the
/// last is an error. A gzip journal (known by its magic bytes, whatever its name) is read member
/// by member (``GzipMemberSource``): a torn last member is ignored like a torn last line, and
/// data zlib rejects is an error.
package enum JournalReader {
    /// One run found in a journal (a journal appended to by `--resume` holds several).
    package struct Run: Sendable {
        /// The header.
        package var header: JournalHeader
        /// Records of batch entries (applied), in the order written.
        package var records: [RecordOutcome] = []
        /// Records that failed while reading (`failed` entries), in the order written.
        package var readFailures: [RecordOutcome] = []
        /// Batch entries.
        package var batches = 0
        /// `sent` entries: the requests the run began to send (none in a journal written before
        /// they were recorded).
        package var sent = 0
        /// The requests the run sent, those in flight when it was killed included: its `sent`
        /// entries; in a journal written before they were recorded, its batch entries (a killed
        /// run's requests in flight at the kill are then not counted).
        package var requests: Int { max(sent, batches) }
        /// The run's `end` entry; nil when it has none (the process was killed).
        package var end: JournalEnd?
        /// Whether the run wrote its `end` entry.
        package var ended: Bool { end != nil }
        /// Whether that entry says it was interrupted.
        package var interrupted: Bool { end?.interrupted ?? false }
        /// Whether the run ended with nothing left to do: every record has its outcome and the
        /// reports were written. Any other run is continued by `--resume`.
        package var finished: Bool { end.map { !$0.interrupted && $0.reported } ?? false }
    }

    /// Reads every entry of `path`. With `visit`, records are handed to it (with whether they were
    /// applied, i.e. come from a batch entry) instead of being kept in the runs, so that memory
    /// stays flat however long the journal is.
    package static func read(
        path: String, visit: ((RecordOutcome, _ applied: Bool) -> Void)? = nil
    ) throws(TriageIOError) -> [Run] {
        let source: ByteSource
        do {
            source = try open(path)
        } catch {
            throw TriageIOError(.unreadableJournal, "\(path): \(error.message)", underlying: error)
        }
        let reader = LineReader(source: source, maxLineBytes: 64 << 20)
        var runs: [Run] = []
        var pendingError: TriageIOError?
        while true {
            let block: LineBlock?
            do {
                block = try reader.nextBlock()
            } catch {
                throw TriageIOError(.unreadableJournal, "\(path): \(error.message)", underlying: error)
            }
            guard let block else { break }
            for span in block.lines where span.end > span.start || span.oversizedLength != nil {
                if let pendingError { throw pendingError }
                let entry = block.bytes.withUnsafeBytes {
                    parseEntry(UnsafeRawBufferPointer(rebasing: $0[span.start..<span.end]))
                }
                guard let entry, apply(entry, to: &runs, visit: visit) else {
                    // Torn or broken: acceptable only as the last entry.
                    pendingError = .damagedJournal("\(path): line \(span.number) is not a valid journal entry")
                    continue
                }
            }
        }
        return runs
    }

    /// The journal's bytes: decompressed when the file starts with the gzip magic number.
    private static func open(_ path: String) throws(TriageIOError) -> ByteSource {
        let file: ByteSource =
            try RemoteObjects.isRemote(path) ? RemoteObjects.openObject(path) : FileByteSource(path: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { buffer.deallocate() }
        var count = 0
        while count < buffer.count {
            let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))
            if got == 0 { break }
            count += got
        }
        let head = Array(buffer[0..<count])
        let replayed: ByteSource = head.isEmpty ? file : PrefixedByteSource(prefix: head, rest: file)
        return head == [0x1F, 0x8B] ? GzipMemberSource(wrapping: replayed) : replayed
    }

    private static func parseEntry(_ line: UnsafeRawBufferPointer) -> [JSONMember]? {
        guard line.count > 9, line[8] == UInt8(ascii: " ") else { return nil }
        let hex = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<8]), as: UTF8.self)
        let json = UnsafeRawBufferPointer(rebasing: line[9...])
        guard let expected = UInt(hex, radix: 16),
            crc32(0, json.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(json.count)) == expected,
            case .object(let members)? = try? JSONParser.parse(json)
        else { return nil }
        return members
    }

    private static func apply(
        _ members: [JSONMember], to runs: inout [Run], visit: ((RecordOutcome, Bool) -> Void)?
    ) -> Bool {
        func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        guard case .string(let kind)? = member("kind") else { return false }
        switch kind {
        case "run":
            guard case .array(let inputs)? = member("inputs"), case .string(let target)? = member("target"),
                case .number(let batchSize)? = member("batchSize"), case .string(let startedAt)? = member("startedAt")
            else { return false }
            func strings(_ values: [JSONValue]) -> [String] {
                values.compactMap { value -> String? in if case .string(let text) = value { text } else { nil } }
            }
            var fingerprints: [String] = []
            if case .array(let values)? = member("fingerprints") { fingerprints = strings(values) }
            var destination: JournalDestination?
            if let value = member("destination") {
                guard let parsed = Self.destination(value) else { return false }
                destination = parsed
            }
            var shard: Shard?
            if let value = member("shard") {
                guard let parsed = JournalShard.shard(value) else { return false }
                shard = parsed
            }
            runs.append(
                Run(
                    header: JournalHeader(
                        inputs: strings(inputs), fingerprints: fingerprints, target: target,
                        destination: destination, batchSize: batchSize.intValue ?? 100, startedAt: startedAt,
                        shard: shard)))
            return true
        case "batch", "failed":
            guard !runs.isEmpty, case .array(let records)? = member("records") else { return false }
            var parsed: [RecordOutcome] = []
            parsed.reserveCapacity(records.count)
            for value in records {
                guard let record = record(value) else { return false }
                parsed.append(record)
            }
            if let visit {
                for record in parsed { visit(record, kind == "batch") }
                if kind == "batch" { runs[runs.count - 1].batches += 1 }
                return true
            }
            for record in parsed {
                if kind == "batch" {
                    runs[runs.count - 1].records.append(record)
                } else {
                    runs[runs.count - 1].readFailures.append(record)
                }
            }
            if kind == "batch" { runs[runs.count - 1].batches += 1 }
            return true
        case "sent":
            guard !runs.isEmpty else { return false }
            runs[runs.count - 1].sent += 1
            return true
        case "end":
            guard !runs.isEmpty, case .string(let finishedAt)? = member("finishedAt") else { return false }
            var end = JournalEnd(finishedAt: finishedAt, interrupted: false)
            if case .bool(let interrupted)? = member("interrupted") { end.interrupted = interrupted }
            if case .bool(let reported)? = member("reported") { end.reported = reported }
            if case .number(let remaining)? = member("remaining") { end.remaining = remaining.intValue ?? 0 }
            if case .array(let times)? = member("inputTimes") {
                for time in times {
                    guard case .array(let pair) = time, pair.count == 2, case .number(let start) = pair[0],
                        case .number(let finish) = pair[1], let startValue = start.intValue,
                        let finishValue = finish.intValue
                    else { return false }
                    end.inputTimes.append(.init(startedAt: Int64(startValue), finishedAt: Int64(finishValue)))
                }
            }
            if let value = member("remote") {
                guard let remote = JournalRemote.statistics(value) else { return false }
                end.remote = remote
            }
            runs[runs.count - 1].end = end
            return true
        default:
            return false
        }
    }

    /// `{"kind": ..., "store"|"endpoint": ..., "region": ...}`.
    private static func destination(_ value: JSONValue) -> JournalDestination? {
        guard case .object(let members) = value else { return nil }
        func text(_ key: String) -> String? {
            if case .string(let text)? = members.first(where: { $0.key == key })?.value { text } else { nil }
        }
        guard let kind = text("kind") else { return nil }
        return JournalDestination(kind: kind, store: text("store"), endpoint: text("endpoint"), region: text("region"))
    }

    private static func record(_ value: JSONValue) -> RecordOutcome? {
        guard case .array(let fields) = value, (7...9).contains(fields.count),
            case .number(let sequence) = fields[0], let sequenceValue = sequence.intValue,
            case .number(let input) = fields[1], let inputValue = input.intValue,
            case .number(let line) = fields[2], let lineValue = line.intValue
        else { return nil }
        func text(_ value: JSONValue) -> String? { if case .string(let text) = value { text } else { nil } }
        var outcome = Outcome.processed
        if let code = text(fields[5]) {
            guard !code.isEmpty else { return nil }
            let errorCode = ErrorCode(verbatim: code)
            let message = text(fields[6]) ?? errorCode.defaultMessage
            var unconfirmed = false
            if fields.count >= 8, case .number(let flag) = fields[7] { unconfirmed = flag.intValue == 1 }
            outcome = unconfirmed ? .unconfirmed(errorCode, message) : .failed(errorCode, message)
        }
        let id = text(fields[3])
        let reference = RecordReference(
            sequence: sequenceValue, source: SourceLocation(input: inputValue, line: lineValue), id: id,
            productArn: text(fields[4]), account: fields.count == 9 ? text(fields[8]) : nil)
        return RecordOutcome(reference, outcome)
    }
}
