/// Turns strings and numbers into the NUL-terminated UTF-8 that libxml2's writer takes, so that
/// any input yields well-formed XML 1.0.
///
/// libxml2 escapes `<`, `>`, `&`, quotes, tab, LF and CR, but copies the characters XML 1.0
/// forbids. Those (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF) are replaced by
/// U+FFFD here; lone surrogates cannot occur in a Swift `String`.
enum JUnitText {
    /// U+FFFD REPLACEMENT CHARACTER in UTF-8.
    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Calls `body` with `text` as NUL-terminated UTF-8, forbidden characters replaced by U+FFFD.
    /// Copies nothing when `text` holds no forbidden character (the common case).
    static func withXMLCString<R>(_ text: String, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        var text = text
        let clean = text.withUTF8 { firstForbidden(in: $0) == nil }
        if clean {
            return try text.withCString { pointer in
                try pointer.withMemoryRebound(to: UInt8.self, capacity: text.utf8.count + 1, body)
            }
        }
        let repaired = text.withUTF8 { repair($0) }
        return try repaired.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The offset of the first byte that starts a character forbidden in XML 1.0, or nil.
    static func firstForbidden(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 {
                if byte != 0x09 && byte != 0x0A && byte != 0x0D { return index }
            } else if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF,
                bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF
            {
                return index
            }
            index += 1
        }
        return nil
    }

    /// A NUL-terminated copy of valid UTF-8 with every forbidden character replaced by U+FFFD.
    private static func repair(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
                out.append(contentsOf: replacement)
            } else if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBF,
                bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF
            {
                out.append(contentsOf: replacement)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        out.append(0)
        return out
    }

    /// Whether `text` is empty or only XML white space, once forbidden characters are replaced
    /// (an `xs:token` with `minLength 1` rejects it).
    static func isBlank(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Largest time written, in seconds (about 31,700 years): keeps `xs:decimal` short.
    static let maximumSeconds = 1e12

    /// Calls `body` with `seconds` as NUL-terminated ASCII with exactly 3 decimals (`12.345`).
    ///
    /// Rounds to the millisecond; negative values and NaN give `0.000`, values above
    /// ``maximumSeconds`` (and infinity) give that maximum.
    static func withSecondsCString<R>(_ seconds: Double, _ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), maximumSeconds)
        var milliseconds = UInt64((clamped * 1000).rounded())
        // Up to 13 integer digits, '.', 3 decimals, NUL.
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var end = 23
            buffer[end] = 0
            var position = 0
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(milliseconds % 10)
                milliseconds /= 10
                position += 1
                if position == 3 {
                    end -= 1
                    buffer[end] = UInt8(ascii: ".")
                }
            } while milliseconds > 0 || position < 4
            return try body(UnsafePointer(buffer.baseAddress! + end))
        }
    }
}
