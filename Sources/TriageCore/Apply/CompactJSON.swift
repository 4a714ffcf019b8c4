/// Compact JSON output: no whitespace outside strings. Writes parsed values (numbers keep their
/// literal, strings are escaped as ``JSONText`` does) and copies already valid JSON bytes with the
/// insignificant whitespace dropped (strings and their escapes copied unchanged).
package enum CompactJSON {
    /// Appends `value` compactly; object members keep their order (duplicates included).
    package static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): out.append(contentsOf: number.literal.utf8)
        case .string(let string): JSONText.appendString(string, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `value` as compact JSON bytes.
    package static func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// Appends valid JSON text with whitespace outside strings removed.
    ///
    /// - Precondition: `json` is valid JSON (e.g. a range found by ``JSONObjectLayout``); invalid
    ///   input is copied without a check.
    package static func appendMinified(_ json: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // Fast path: nothing to drop (the usual case for values of compact documents).
        if !containsWhitespaceOutsideStrings(json) {
            out.append(contentsOf: json)
            return
        }
        scan(json) { byte in
            out.append(byte)
            return true
        }
    }

    /// The number of bytes ``appendMinified(_:to:)`` would append.
    package static func minifiedCount(_ json: UnsafeRawBufferPointer) -> Int {
        var count = 0
        scan(json) { _ in
            count &+= 1
            return true
        }
        return count
    }

    private static func containsWhitespaceOutsideStrings(_ json: UnsafeRawBufferPointer) -> Bool {
        var kept = 0
        scan(json) { _ in
            kept &+= 1
            return true
        }
        return kept != json.count
    }

    /// Calls `keep` with every byte that is not whitespace outside a string, in order; stops when
    /// `keep` returns false. The one place that knows where strings and escapes are.
    @inline(__always)
    private static func scan(_ json: UnsafeRawBufferPointer, _ keep: (UInt8) -> Bool) {
        var inString = false
        var escaped = false
        for byte in json {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch byte {
                case 0x20, 0x0A, 0x0D, 0x09: continue
                case UInt8(ascii: "\""): inString = true
                default: break
                }
            }
            if !keep(byte) { return }
        }
    }
}
