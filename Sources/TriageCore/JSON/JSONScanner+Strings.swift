/// String reading: one pass finds the closing quote, rejects control characters, checks escapes
/// and validates UTF-8; the `String` is made from the bytes only after that (no per-character
/// appends). Strings without escapes are copied straight from the input; strings with escapes
/// are decoded into `scratch` first.
extension JSONScanner {
    /// Reads the string whose opening quote is at `position`; leaves `position` after the closing quote.
    mutating func readString() throws(CoreError) -> String {
        try scanString(building: true)
    }

    /// Validates the string whose opening quote is at `position` without building it.
    mutating func skipString() throws(CoreError) {
        _ = try scanString(building: false)
    }

    @inline(__always)
    private mutating func scanString(building: Bool) throws(CoreError) -> String {
        let opening = position
        let start = opening &+ 1
        var index = start
        while true {
            index = skipPlainASCII(from: index)
            guard index < bytes.count else { throw .invalidJSON(offset: opening, reason: "unterminated string") }
            let byte = bytes[index]
            if byte == JSONByte.quote {
                position = index &+ 1
                guard building else { return "" }
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == JSONByte.backslash {
                return try scanEscapedString(opening: opening, firstEscape: index, building: building)
            }
            if byte < 0x20 { throw controlCharacter(at: index) }
            index = byte < 0x80 ? index &+ 1 : try endOfUTF8Sequence(at: index)
        }
    }

    /// The rest of a string from its first backslash on; decodes into `scratch` when building.
    private mutating func scanEscapedString(
        opening: Int, firstEscape: Int, building: Bool
    ) throws(CoreError) -> String {
        if building {
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(opening &+ 1)..<firstEscape]))
        }
        var index = firstEscape
        var runStart = firstEscape  // first input byte not yet copied to `scratch`
        while true {
            index = skipPlainASCII(from: index)
            guard index < bytes.count else { throw .invalidJSON(offset: opening, reason: "unterminated string") }
            let byte = bytes[index]
            if byte == JSONByte.quote || byte == JSONByte.backslash {
                if building {
                    scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                }
                if byte == JSONByte.quote {
                    position = index &+ 1
                    return building ? String(decoding: scratch, as: UTF8.self) : ""
                }
                index = try decodeEscape(at: index, opening: opening, building: building)
                runStart = index
            } else if byte < 0x20 {
                throw controlCharacter(at: index)
            } else {
                index = byte < 0x80 ? index &+ 1 : try endOfUTF8Sequence(at: index)
            }
        }
    }

    /// The offset of the first quote, backslash, control (< 0x20) or non-ASCII byte at or after
    /// `start`, checking 16 or 8 bytes per step; when fewer than 8 bytes are left unchecked, the
    /// offset where checking stopped (the caller goes on byte by byte).
    @inline(__always)
    private func skipPlainASCII(from start: Int) -> Int {
        var index = start
        while index &+ 16 <= bytes.count {
            let first = Self.attentionBits(word(at: index))
            if first != 0 { return index &+ first.trailingZeroBitCount &>> 3 }
            let second = Self.attentionBits(word(at: index &+ 8))
            if second != 0 { return index &+ 8 &+ second.trailingZeroBitCount &>> 3 }
            index &+= 16
        }
        if index &+ 8 <= bytes.count {
            let bits = Self.attentionBits(word(at: index))
            if bits != 0 { return index &+ bits.trailingZeroBitCount &>> 3 }
            index &+= 8
        }
        return index
    }

    /// The 8 bytes at `offset` with the first one in the low bits.
    @inline(__always)
    private func word(at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` (first byte lowest) that is a quote, backslash, control
    /// (< 0x20) or non-ASCII byte, exact up to the lowest such byte (higher ones may be flagged
    /// falsely through borrows). SWAR: `(x - 0x01..) & ~x & 0x80..` flags zero bytes of `x`, and
    /// `(x - 0x20..) & ~x & 0x80..` bytes below 0x20.
    @inline(__always)
    private static func attentionBits(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let zeroQuote = (quotes &- ones) & ~quotes
        let zeroBackslash = (backslashes &- ones) & ~backslashes
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control | word) & 0x8080_8080_8080_8080
    }

    /// The offset after the escape whose backslash is at `index`; appends its UTF-8 to `scratch`
    /// when building. A `\uXXXX` high surrogate must be followed by a `\uXXXX` low surrogate; a lone
    /// or reversed surrogate is an error (no Swift `String` can hold it).
    private mutating func decodeEscape(at index: Int, opening: Int, building: Bool) throws(CoreError) -> Int {
        guard index &+ 1 < bytes.count else { throw .invalidJSON(offset: opening, reason: "unterminated string") }
        let decoded: UInt8
        switch bytes[index &+ 1] {
        case JSONByte.quote: decoded = JSONByte.quote
        case JSONByte.backslash: decoded = JSONByte.backslash
        case UInt8(ascii: "/"): decoded = UInt8(ascii: "/")
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            var scalar = try hexQuad(escapeAt: index)
            var next = index &+ 6
            if (0xD800...0xDBFF).contains(scalar) {
                guard next &+ 1 < bytes.count, bytes[next] == JSONByte.backslash, bytes[next &+ 1] == UInt8(ascii: "u")
                else {
                    throw .invalidJSON(offset: index, reason: "unpaired surrogate escape")
                }
                let low = try hexQuad(escapeAt: next)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw .invalidJSON(offset: index, reason: "unpaired surrogate escape")
                }
                scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                next &+= 6
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw .invalidJSON(offset: index, reason: "unpaired surrogate escape")
            }
            if building { appendUTF8(scalar) }
            return next
        default:
            let byte = bytes[index &+ 1]
            let shown = (0x21...0x7E).contains(byte) ? " '\\\(Character(Unicode.Scalar(byte)))'" : ""
            throw .invalidJSON(offset: index, reason: "invalid escape\(shown)")
        }
        if building { scratch.append(decoded) }
        return index &+ 2
    }

    /// The code unit of the `\uXXXX` escape whose backslash is at `index` (case-insensitive hex).
    private func hexQuad(escapeAt index: Int) throws(CoreError) -> UInt32 {
        var value: UInt32 = 0
        var offset = index &+ 2
        let end = index &+ 6
        while offset < end {
            guard offset < bytes.count else { throw .invalidJSON(offset: index, reason: "invalid \\u escape") }
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw .invalidJSON(offset: index, reason: "invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset &+= 1
        }
        return value
    }

    /// Appends the UTF-8 form of a Unicode scalar value (never a surrogate) to `scratch`.
    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The offset after the well-formed UTF-8 sequence whose lead byte (≥ 0x80) is at `index`
    /// (Unicode Table 3-7: no overlongs, no encoded surrogates, nothing above U+10FFFF, no
    /// truncation); an "invalid UTF-8" error at `index` otherwise.
    private func endOfUTF8Sequence(at index: Int) throws(CoreError) -> Int {
        @inline(__always) func continuation(_ distance: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            let offset = index &+ distance
            return offset < bytes.count && bytes[offset] >= low && bytes[offset] <= high
        }
        let valid: Bool
        let length: Int
        switch bytes[index] {
        case 0xC2...0xDF: (valid, length) = (continuation(1), 2)
        case 0xE0: (valid, length) = (continuation(1, 0xA0) && continuation(2), 3)
        case 0xE1...0xEC, 0xEE...0xEF: (valid, length) = (continuation(1) && continuation(2), 3)
        case 0xED: (valid, length) = (continuation(1, 0x80, 0x9F) && continuation(2), 3)
        case 0xF0: (valid, length) = (continuation(1, 0x90) && continuation(2) && continuation(3), 4)
        case 0xF1...0xF3: (valid, length) = (continuation(1) && continuation(2) && continuation(3), 4)
        case 0xF4: (valid, length) = (continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3), 4)
        default: (valid, length) = (false, 0)
        }
        guard valid else { throw .invalidJSON(offset: index, reason: "invalid UTF-8") }
        return index &+ length
    }

    /// The error for a raw control character (below 0x20) inside a string.
    private func controlCharacter(at index: Int) -> CoreError {
        CoreError.invalidJSON(
            offset: index, reason: "control character 0x\(Self.hex(bytes[index])) in string (must be escaped)")
    }
}
