import TriageCore

/// Where a page of GetFindings results ended: the sort key of its last finding, then its
/// `ProductArn` and `Id`. The next page starts strictly after it (keyset pagination, never an
/// offset), so a finding whose sort key does not change between pages is returned exactly once.
///
/// Bytes (``encoded``): version 1, then the order's kind:
/// - column order (`0`): the phase (`0` findings with a value, `1` those without, which come
///   last), the column value (`0` NULL, `1` integer: 8 bytes big-endian, `2` text), `ProductArn`,
///   `Id`;
/// - computed order (`1`): the number of criteria, then per criterion `0` missing, `2` text,
///   `3` number (IEEE 754 bits), `4` instant (seconds, 8 bytes; nanoseconds, 4 bytes), `5`
///   boolean (one byte); then `ProductArn`, `Id`.
///
/// Text is a 4-byte big-endian length and UTF-8 bytes. The bytes carry no secret and no check of
/// their own: a server that hands them out binds them to the query (``TriageCore/FindingsQuery/fingerprint``).
enum QueryCursor: Equatable {
    /// A value of an ``IndexedColumn``.
    enum ColumnValue: Equatable {
        case null
        case integer(Int64)
        case text(String)
    }

    /// After a finding in an order on one ``IndexedColumn``.
    case column(phase: Int, value: ColumnValue, productArn: String, id: String)
    /// After a finding in an order computed from the findings (``TriageCore/FindingSortKey``).
    case computed(FindingSortKey)

    /// The cursor's bytes.
    var encoded: [UInt8] {
        var out: [UInt8] = [1]
        switch self {
        case .column(let phase, let value, let productArn, let id):
            out.append(0)
            out.append(UInt8(phase))
            switch value {
            case .null: out.append(0)
            case .integer(let integer):
                out.append(1)
                Self.append(UInt64(bitPattern: integer), bytes: 8, to: &out)
            case .text(let text):
                out.append(2)
                Self.append(text, to: &out)
            }
            Self.append(productArn, to: &out)
            Self.append(id, to: &out)
        case .computed(let key):
            out.append(1)
            out.append(UInt8(key.values.count))
            for value in key.values {
                switch value {
                case .missing: out.append(0)
                case .text(let text):
                    out.append(2)
                    Self.append(text, to: &out)
                case .number(let number):
                    out.append(3)
                    Self.append(number.bitPattern, bytes: 8, to: &out)
                case .instant(let instant):
                    out.append(4)
                    Self.append(UInt64(bitPattern: instant.seconds), bytes: 8, to: &out)
                    Self.append(UInt64(instant.nanoseconds), bytes: 4, to: &out)
                case .flag(let flag):
                    out.append(5)
                    out.append(flag ? 1 : 0)
                }
            }
            Self.append(key.productArn, to: &out)
            Self.append(key.id, to: &out)
        }
        return out
    }

    /// Decodes cursor bytes.
    /// - Throws: ``StoreError`` `InvalidCursor` for bytes that no cursor encodes.
    init(bytes: [UInt8]) throws(StoreError) {
        var reader = Reader(bytes: bytes)
        guard let cursor = reader.cursor(), reader.position == bytes.count else {
            throw StoreError(code: .invalidCursor, message: "the page cursor is malformed")
        }
        self = cursor
    }

    private static func append(_ value: UInt64, bytes count: Int, to out: inout [UInt8]) {
        for shift in stride(from: (count - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        append(UInt64(text.utf8.count), bytes: 4, to: &out)
        out.append(contentsOf: text.utf8)
    }

    /// Reads the encoding, `nil` at the first byte that does not fit it.
    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func integer(_ count: Int) -> UInt64? {
            guard bytes.count - position >= count else { return nil }
            var value: UInt64 = 0
            for _ in 0..<count { value = value << 8 | UInt64(bytes[position]); position += 1 }
            return value
        }

        mutating func text() -> String? {
            guard let count = integer(4), bytes.count - position >= Int(count) else { return nil }
            let slice = bytes[position..<(position + Int(count))]
            position += Int(count)
            return String(validating: slice, as: UTF8.self)
        }

        mutating func cursor() -> QueryCursor? {
            guard byte() == 1, let kind = byte() else { return nil }
            switch kind {
            case 0:
                guard let phase = byte(), phase <= 1, let tag = byte() else { return nil }
                let value: ColumnValue
                switch tag {
                case 0: value = .null
                case 1:
                    guard let integer = integer(8) else { return nil }
                    value = .integer(Int64(bitPattern: integer))
                case 2:
                    guard let text = text() else { return nil }
                    value = .text(text)
                default: return nil
                }
                guard let productArn = text(), let id = text() else { return nil }
                return .column(phase: Int(phase), value: value, productArn: productArn, id: id)
            case 1:
                guard let count = byte() else { return nil }
                var values: [FindingSortKey.Value] = []
                for _ in 0..<count {
                    guard let value = sortValue() else { return nil }
                    values.append(value)
                }
                guard let productArn = text(), let id = text() else { return nil }
                return .computed(FindingSortKey(values: values, productArn: productArn, id: id))
            default:
                return nil
            }
        }

        private mutating func sortValue() -> FindingSortKey.Value? {
            switch byte() {
            case 0: return .missing
            case 2: return text().map(FindingSortKey.Value.text)
            case 3: return integer(8).map { .number(Double(bitPattern: $0)) }
            case 4:
                guard let seconds = integer(8), let nanoseconds = integer(4), nanoseconds < 1_000_000_000 else {
                    return nil
                }
                return .instant(
                    FindingTimestamp(seconds: Int64(bitPattern: seconds), nanoseconds: Int32(nanoseconds)))
            case 5:
                switch byte() {
                case 0: return .flag(false)
                case 1: return .flag(true)
                default: return nil
                }
            default: return nil
            }
        }
    }
}
