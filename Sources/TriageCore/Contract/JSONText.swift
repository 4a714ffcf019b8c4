/// Minimal JSON text output shared by the canonical update form and the report writers:
/// strings escaped per RFC 8259 (control characters as `\u00XX`, `"` and `\` escaped, all else
/// as UTF-8), numbers in Swift's shortest round-trip form.
public enum JSONText {
    /// A scalar member value.
    public enum Scalar {
        case string(String)
        case integer(Int)
        case number(Double)
        case null
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `{"Id": ..., "ProductArn": ...}` (compact), as the API writes a finding identifier.
    public static func appendIdentifier(_ identifier: FindingIdentifier, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"Id":"#.utf8)
        appendString(identifier.id, to: &out)
        out.append(contentsOf: #","ProductArn":"#.utf8)
        appendString(identifier.productArn, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Appends `value` as a quoted, escaped JSON string.
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a scalar.
    public static func appendScalar(_ scalar: Scalar, to out: inout [UInt8]) {
        switch scalar {
        case .string(let string): appendString(string, to: &out)
        case .integer(let integer): out.append(contentsOf: String(integer).utf8)
        case .number(let number): out.append(contentsOf: formatNumber(number).utf8)
        case .null: out.append(contentsOf: "null".utf8)
        }
    }

    /// Appends `["a","b",...]`.
    public static func appendStringArray(_ values: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends `{"k":v,...}` with the members in the given order.
    public static func appendObject(_ out: inout [UInt8], _ members: [(String, Scalar)]) {
        out.append(UInt8(ascii: "{"))
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendScalar(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A finite number as JSON: integral values within ±2^53 without a fraction (`40`, not
    /// `40.0`), others in Swift's shortest round-trip form (`2.5`, `1e+30`).
    public static func formatNumber(_ number: Double) -> String {
        precondition(number.isFinite, "JSON has no non-finite numbers")
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return number.description
    }
}
