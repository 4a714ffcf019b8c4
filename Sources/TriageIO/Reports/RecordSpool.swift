#if canImport(Glibc)
import Glibc
#endif
import TriageCore

/// An append-only temporary file of ``SpooledRecord``s in input order, read back once or more to
/// render reports without holding a million records in memory.
///
/// Encoding per record: flags byte (1 id, 2 productArn, 4 outcome), varint input, varint line,
/// then length-prefixed UTF-8 id and productArn, then the outcome: 0xFF processed, or the failure
/// code's index in `ErrorCode.allCases` and the length-prefixed message.
///
/// `@unchecked Sendable`: one thread appends; ``forEach(_:)`` only reads the file through a source
/// of its own, so several readers may run at once once appending is over and ``flush()`` was called.
package final class RecordSpool: @unchecked Sendable {
    /// The spool file.
    package let path: String
    private let output: FileOutput
    /// Records appended so far.
    package private(set) var count = 0

    /// Creates (truncates) the spool file at `path`.
    package init(path: String) throws(OutputError) {
        self.path = path
        self.output = try FileOutput(path: path, atomic: false)
    }

    /// Appends a record.
    package func append(_ record: SpooledRecord) throws(OutputError) {
        try output.withBuffer { out in
            var flags: UInt8 = 0
            if record.id != nil { flags |= 1 }
            if record.productArn != nil { flags |= 2 }
            if record.outcome != nil { flags |= 4 }
            out.append(flags)
            Self.appendVarint(UInt64(record.input), to: &out)
            Self.appendVarint(UInt64(record.line), to: &out)
            if let id = record.id { Self.appendString(id, to: &out) }
            if let productArn = record.productArn { Self.appendString(productArn, to: &out) }
            switch record.outcome {
            case nil: break
            case .processed?: out.append(0xFF)
            case .failed(let code, let message)?:
                out.append(UInt8(ErrorCode.allCases.firstIndex(of: code)!))
                Self.appendString(message, to: &out)
            }
        }
        count += 1
    }

    /// Flushes what was appended so that readers see it.
    package func flush() throws(OutputError) {
        try output.flush()
    }

    /// Flushes and closes; the file stays until ``remove()``.
    package func close() throws(OutputError) {
        try output.commit()
    }

    /// Deletes the file.
    package func remove() {
        output.discard()
        unlink(path)
    }

    /// Reads the records back in order, calling `body` for each (call ``flush()`` after the last
    /// append first).
    package func forEach(_ body: (SpooledRecord) throws -> Void) throws {
        let source = try FileByteSource(path: path)
        var decoder = Decoder()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 { break }
            try decoder.feed(chunk[0..<count], body)
        }
    }

    struct CorruptSpool: Error, CustomStringConvertible {
        var description: String { "the record spool is corrupt" }
    }

    private struct Decoder {
        var pending: [UInt8] = []

        mutating func feed(_ bytes: ArraySlice<UInt8>, _ body: (SpooledRecord) throws -> Void) throws {
            pending.append(contentsOf: bytes)
            var offset = 0
            while let (record, next) = try Self.decode(pending, at: offset) {
                try body(record)
                offset = next
            }
            pending.removeFirst(offset)
        }

        static func decode(_ bytes: [UInt8], at start: Int) throws -> (SpooledRecord, Int)? {
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
            if flags & 4 != 0 {
                guard offset < bytes.count else { return nil }
                let codeIndex = Int(bytes[offset])
                offset += 1
                if codeIndex == 0xFF {
                    outcome = .processed
                } else {
                    guard codeIndex < ErrorCode.allCases.count else { throw CorruptSpool() }
                    guard let message = string(bytes, &offset) else { return nil }
                    outcome = .failed(ErrorCode.allCases[codeIndex], message)
                }
            }
            let record = SpooledRecord(
                input: Int(input), line: Int(line), id: id, productArn: productArn, outcome: outcome)
            return (record, offset)
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
