/// Where the members of one JSON object sit in a buffer: byte ranges of each key and value,
/// found without building values (the values are validated, not decoded).
///
/// Used to take a finding apart by top-level member (compose, import) at a fraction of the cost
/// of a full parse. Members keep document order; duplicate keys are kept.
package struct JSONObjectLayout: Sendable {
    /// One member's byte ranges in the scanned buffer.
    package struct Member: Sendable {
        /// The key's bytes between its quotes, escapes not decoded.
        package var key: Range<Int>
        /// The value's bytes, without surrounding whitespace.
        package var value: Range<Int>
    }

    /// The members in document order.
    package var members: [Member]
    /// Offset of the opening `{`.
    package var openingBrace: Int
    /// Offset of the closing `}`.
    package var closingBrace: Int

    /// Scans the object that makes up the whole of `bytes` (whitespace may surround it).
    ///
    /// - Throws: ``CoreError`` if `bytes` is not exactly one valid JSON object.
    package static func scan(_ bytes: UnsafeRawBufferPointer) throws(CoreError) -> JSONObjectLayout {
        var position = skipWhitespace(bytes, from: 0)
        let layout = try scan(bytes, objectAt: position)
        position = skipWhitespace(bytes, from: layout.closingBrace + 1)
        guard position == bytes.count else {
            throw .invalidJSON(offset: position, reason: "unexpected data after the object")
        }
        return layout
    }

    /// Scans the object value whose `{` is at `start` (nothing is checked after its `}`).
    package static func scan(_ bytes: UnsafeRawBufferPointer, objectAt start: Int) throws(CoreError)
        -> JSONObjectLayout
    {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else {
            throw .invalidJSON(offset: start, reason: "expected a JSON object")
        }
        var members: [Member] = []
        members.reserveCapacity(32)
        var position = skipWhitespace(bytes, from: start + 1)
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            return JSONObjectLayout(members: [], openingBrace: start, closingBrace: position)
        }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw .invalidJSON(offset: position, reason: "expected a member name")
            }
            let keyEnd = try JSONParser.valueEnd(in: bytes, from: position)
            let key = (position + 1)..<(keyEnd - 1)
            position = skipWhitespace(bytes, from: keyEnd)
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw .invalidJSON(offset: position, reason: "expected ':' after a member name")
            }
            let valueStart = skipWhitespace(bytes, from: position + 1)
            let valueEnd = try JSONParser.valueEnd(in: bytes, from: valueStart)
            members.append(Member(key: key, value: valueStart..<valueEnd))
            position = skipWhitespace(bytes, from: valueEnd)
            guard position < bytes.count else {
                throw .invalidJSON(offset: position, reason: "unterminated object")
            }
            if bytes[position] == UInt8(ascii: "}") { break }
            guard bytes[position] == UInt8(ascii: ",") else {
                throw .invalidJSON(offset: position, reason: "expected ',' or '}' in an object")
            }
            position = skipWhitespace(bytes, from: position + 1)
        }
        return JSONObjectLayout(members: members, openingBrace: start, closingBrace: position)
    }

    /// The first member whose raw key bytes equal `name` (an escape-free ASCII name).
    package func first(named name: String, in bytes: UnsafeRawBufferPointer) -> Member? {
        var name = name
        return name.withUTF8 { utf8 in
            members.first { member in
                member.key.count == utf8.count
                    && UnsafeRawBufferPointer(rebasing: bytes[member.key]).elementsEqual(UnsafeRawBufferPointer(utf8))
            }
        }
    }

    /// The decoded key of `member` (escapes resolved).
    package static func key(of member: Member, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[member.key])
        if !raw.contains(UInt8(ascii: "\\")) { return String(decoding: raw, as: UTF8.self) }
        let quoted = UnsafeRawBufferPointer(rebasing: bytes[(member.key.lowerBound - 1)..<(member.key.upperBound + 1)])
        if case .string(let key)? = try? JSONParser.parse(quoted) { return key }
        return String(decoding: raw, as: UTF8.self)
    }

    /// The offset of the first byte at or after `start` that is not JSON whitespace.
    @inline(__always)
    package static func skipWhitespace(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position &+= 1
            default: return position
            }
        }
        return position
    }
}
