import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// An append-only temporary file of every record of a run in input order (its
/// ``RecordReference`` and, when it was decided before any apply, its outcome), read back once or
/// more to render reports without holding a million records in memory. The outcome of an applied
/// record is kept apart, by sequence number (``ApplyLedger``), because batches finish out of order.
///
/// The file is unlinked as soon as it is open: it lives on through its descriptor and goes away
/// with it, so a run that is killed (SIGKILL, a crash) leaves nothing in `$TMPDIR`. Readers walk
/// it through the same descriptor with `pread`, each at an offset of its own.
///
/// A record's sequence number is not written: records are appended in sequence, so a walk gives
/// each its position in the spool. Encoding per record: flags byte (1 id, 2 productArn, 4 outcome, 8 the failure is unconfirmed),
/// varint input, varint line, then length-prefixed UTF-8 id and productArn, then the outcome: 0xFF
/// processed, or the failure code's index in `ErrorCode.allCases` (0xFE: a code not listed there,
/// length-prefixed) and the length-prefixed message.
///
/// `@unchecked Sendable`: one thread appends; ``forEach(_:)`` only reads (`pread`, no shared
/// offset), so several walks may run at once once appending is over and ``flush()`` was called;
/// ``remove()`` comes after the last walk.
package final class RecordSpool: @unchecked Sendable {
    /// Where the spool was created; the name is gone once the spool is open.
    package let path: String
    private let descriptor: Int32
    private let output: FileOutput
    private var removed = false
    /// Records appended so far.
    package private(set) var count = 0

    /// Creates the spool file at `path` (which must not exist) and unlinks it at once.
    package init(path: String) throws(TriageIOError) {
        self.path = path
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw TriageIOError(path: path, "cannot create", errno: errno) }
        unlink(path)
        self.descriptor = descriptor
        self.output = FileOutput(descriptor: descriptor, path: path)
    }

    deinit {
        if !removed { Glibc.close(descriptor) }
    }

    /// Appends the next record (its ``RecordReference/sequence`` is its position: see the type)
    /// with the outcome known when it was read, if any (malformed, invalid, or a resumed run's).
    package func append(_ reference: RecordReference, outcome: Outcome?) throws(TriageIOError) {
        try output.withBuffer { out in Self.encode(reference, outcome: outcome, to: &out) }
        count += 1
    }

    /// One record's bytes (see the type for the encoding).
    package static func encode(_ reference: RecordReference, outcome: Outcome?, to out: inout [UInt8]) {
        var flags: UInt8 = 0
        if reference.id != nil { flags |= 1 }
        if reference.productArn != nil { flags |= 2 }
        if outcome != nil { flags |= 4 }
        if outcome?.isUnconfirmed == true { flags |= 8 }
        // The account: none (no flag), the `Id`'s own ARN account (16: no bytes), or written (32).
        let accountIsDerived =
            reference.account != nil && reference.account == reference.id.flatMap(FindingAccount.fromARN)
        if reference.account != nil { flags |= accountIsDerived ? 16 : 32 }
        out.append(flags)
        appendVarint(UInt64(reference.source.input), to: &out)
        appendVarint(UInt64(reference.source.line), to: &out)
        if let id = reference.id { appendString(id, to: &out) }
        if let productArn = reference.productArn { appendString(productArn, to: &out) }
        if !accountIsDerived, let account = reference.account { appendString(account, to: &out) }
        switch outcome {
        case nil: break
        case .processed?: out.append(0xFF)
        case .failed(let code, let message)?, .unconfirmed(let code, let message)?:
            if let index = ErrorCode.allCases.firstIndex(of: code) {
                out.append(UInt8(index))
            } else {
                out.append(0xFE)
                appendString(code.rawValue, to: &out)
            }
            appendString(message, to: &out)
        }
    }

    /// Flushes what was appended so that readers see it.
    package func flush() throws(TriageIOError) {
        try output.flush()
    }

    /// Flushes; the spool stays readable until ``remove()``.
    package func close() throws(TriageIOError) {
        try output.flush()
    }

    /// Closes the descriptor, which frees the file's space (its name went at creation).
    package func remove() {
        guard !removed else { return }
        removed = true
        output.discard()
        Glibc.close(descriptor)
    }

    /// Reads the records back in order, calling `body` with each one's reference (its sequence
    /// its position) and the outcome it was appended with (call ``flush()`` after the last append
    /// first). Walks may run concurrently.
    package func forEach(_ body: (RecordReference, Outcome?) throws -> Void) throws {
        var decoder = Decoder()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TriageIOError(path: path, "cannot read the record spool", errno: errno)
            }
            if count == 0 { break }
            offset += off_t(count)
            try decoder.feed(chunk[0..<count], body)
        }
    }

    struct Decoder {
        var pending: [UInt8] = []
        /// The sequence number of the next record: its position in the spool.
        var sequence = 0

        mutating func feed(_ bytes: ArraySlice<UInt8>, _ body: (RecordReference, Outcome?) throws -> Void) throws {
            pending.append(contentsOf: bytes)
            var offset = 0
            while let (reference, outcome, next) = try Self.decode(pending, at: offset, sequence: sequence) {
                try body(reference, outcome)
                sequence += 1
                offset = next
            }
            pending.removeFirst(offset)
        }

        static func decode(
            _ bytes: [UInt8], at start: Int, sequence: Int
        ) throws -> (RecordReference, Outcome?, Int)? {
            var offset = start
            guard offset < bytes.count else { return nil }
            let flags = bytes[offset]
            offset += 1
            guard let input = varint(bytes, &offset), let line = varint(bytes, &offset) else { return nil }
            var id: String?
            var productArn: String?
            var outcome: Outcome?
            if flags & 1 != 0 {
                guard let value = string(bytes, &offset) else { return nil }
                id = value
            }
            if flags & 2 != 0 {
                guard let value = string(bytes, &offset) else { return nil }
                productArn = value
            }
            var account: String?
            if flags & 16 != 0 {
                account = id.flatMap(FindingAccount.fromARN)
            } else if flags & 32 != 0 {
                guard let value = string(bytes, &offset) else { return nil }
                account = value
            }
            if flags & 4 != 0 {
                guard offset < bytes.count else { return nil }
                let codeIndex = Int(bytes[offset])
                offset += 1
                if codeIndex == 0xFF {
                    outcome = .processed
                } else {
                    let code: ErrorCode
                    if codeIndex == 0xFE {
                        guard let name = string(bytes, &offset) else { return nil }
                        code = ErrorCode(verbatim: name)
                    } else {
                        guard codeIndex < ErrorCode.allCases.count else {
                            throw TriageIOError(.corruptSpool, "the record spool is corrupt")
                        }
                        code = ErrorCode.allCases[codeIndex]
                    }
                    guard let message = string(bytes, &offset) else { return nil }
                    outcome = flags & 8 != 0 ? .unconfirmed(code, message) : .failed(code, message)
                }
            }
            let reference = RecordReference(
                sequence: sequence, source: SourceLocation(input: Int(input), line: Int(line)), id: id,
                productArn: productArn, account: account)
            return (reference, outcome, offset)
        }

        static func varint(_ bytes: [UInt8], _ offset: inout Int) -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }

        static func string(_ bytes: [UInt8], _ offset: inout Int) -> String? {
            guard let length = varint(bytes, &offset), offset + Int(length) <= bytes.count else { return nil }
            let value = String(decoding: bytes[offset..<offset + Int(length)], as: UTF8.self)
            offset += Int(length)
            return value
        }
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func appendString(_ value: String, to out: inout [UInt8]) {
        appendVarint(UInt64(value.utf8.count), to: &out)
        out.append(contentsOf: value.utf8)
    }
}
