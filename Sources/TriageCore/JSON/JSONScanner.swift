/// Byte-level reading state shared by the tree parser and the validator: the input, the current
/// offset, the nesting limit and a scratch buffer for decoding strings with escapes.
///
/// Reads the buffer through `UnsafeRawBufferPointer` subscripts (unchecked in release builds); every
/// index is compared with `bytes.count` before use.
struct JSONScanner {
    /// The whole input; offsets in errors are relative to its start.
    let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    var position: Int
    /// Most containers that may be open at once.
    let maxDepth: Int
    /// Decoded bytes of the string being read when it has escapes (reused across strings).
    var scratch: [UInt8] = []

    init(bytes: UnsafeRawBufferPointer, position: Int = 0, maxDepth: Int) {
        self.bytes = bytes
        self.position = position
        self.maxDepth = maxDepth
    }
}

extension JSONScanner {
    /// Advances past JSON whitespace (space, tab, line feed, carriage return only).
    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position &+= 1
            default: return
            }
        }
    }

    /// The byte at `position`, or `nil` at the end of the input.
    @inline(__always)
    var current: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    /// An error for the byte at `offset` (or the end of input) not fitting the grammar.
    /// After a value inside an array or object: consumes `,` (true: another value follows) or the
    /// closing bracket (false), skipping whitespace before it.
    @inline(__always)
    mutating func consumeSeparator(inObject isObject: Bool) throws(CoreError) -> Bool {
        skipWhitespace()
        guard let byte = current else {
            throw unexpected(at: position, expecting: isObject ? "',' or '}'" : "',' or ']'")
        }
        if byte == JSONByte.comma {
            position &+= 1
            return true
        }
        guard byte == (isObject ? JSONByte.closeBrace : JSONByte.closeBracket) else {
            throw unexpected(at: position, expecting: isObject ? "',' or '}'" : "',' or ']'")
        }
        position &+= 1
        return false
    }

    func unexpected(at offset: Int, expecting: String) -> CoreError {
        let found: String
        if offset >= bytes.count {
            found = "unexpected end of input"
        } else {
            let byte = bytes[offset]
            switch byte {
            case 0x00: found = "unexpected NUL byte"
            case 0x21...0x7E: found = "unexpected character '\(Character(Unicode.Scalar(byte)))'"
            default: found = "unexpected byte 0x\(Self.hex(byte))"
            }
        }
        return CoreError.invalidJSON(offset: offset, reason: "\(found) (expected \(expecting))")
    }

    /// The error for opening one container too many at `position`, if `openCount` is at the limit.
    @inline(__always)
    func checkDepth(_ openCount: Int) throws(CoreError) {
        if openCount >= maxDepth {
            throw .invalidJSON(offset: position, reason: "nesting deeper than \(maxDepth)")
        }
    }

    /// Two uppercase hex digits.
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }

    /// Consumes `word` (`true`, `false` or `null`) at `position`.
    mutating func consumeLiteral(_ word: StaticString) throws(CoreError) {
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for (index, expected) in text.enumerated() {
            let offset = position &+ index
            guard offset < bytes.count, bytes[offset] == expected else {
                throw unexpected(at: offset, expecting: "'\(word)'")
            }
        }
        position &+= text.count
    }

    /// Consumes one number at `position` (which holds `-` or a digit), checking the RFC 8259
    /// grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. The number ends at the
    /// first byte that cannot continue it (or the end of input); the caller checks what follows.
    mutating func scanNumber() throws(CoreError) {
        let count = bytes.count
        var index = position
        @inline(__always) func isDigit(_ offset: Int) -> Bool {
            offset < count && (bytes[offset] &- JSONByte.zero) < 10
        }
        if bytes[index] == JSONByte.minus { index &+= 1 }
        guard isDigit(index) else { throw unexpected(at: index, expecting: "a digit") }
        if bytes[index] == JSONByte.zero {
            index &+= 1
            if isDigit(index) { throw .invalidJSON(offset: index, reason: "leading zeros are not allowed") }
        } else {
            repeat { index &+= 1 } while isDigit(index)
        }
        if index < count, bytes[index] == UInt8(ascii: ".") {
            index &+= 1
            guard isDigit(index) else { throw unexpected(at: index, expecting: "a digit after '.'") }
            repeat { index &+= 1 } while isDigit(index)
        }
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index &+= 1
            if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == JSONByte.minus { index &+= 1 }
            guard isDigit(index) else { throw unexpected(at: index, expecting: "a digit in the exponent") }
            repeat { index &+= 1 } while isDigit(index)
        }
        position = index
    }
}
