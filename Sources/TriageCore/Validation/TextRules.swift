/// Text rules of the service model.
public enum TextRules {
    /// The model's unanchored pattern `.*\S.*`: the text contains a character that is not
    /// whitespace. *Choice*: whitespace is Java's `\s` (the service is written in Java), i.e.
    /// space, tab, LF, VT, FF and CR only; multi-line text is allowed.
    public static func isNonBlank(_ text: String) -> Bool {
        text.utf8.contains { !($0 == 0x20 || (0x09...0x0D).contains($0)) }
    }

    /// Length in Unicode scalar values, the unit of the model's length limits.
    public static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// Whether `text` has a length in `range` (counted in Unicode scalar values).
    static func length(of text: String, isIn range: ClosedRange<Int>) -> Bool {
        let bytes = text.utf8.count
        if bytes <= range.upperBound { return bytes >= range.lowerBound || length(text) >= range.lowerBound }
        return range.contains(length(text))
    }

    /// A `UserDefinedFields` key character: ASCII letter or digit, or one of `-_=+@./:`.
    static func isUserDefinedKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"),
            UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"):
            true
        default: false
        }
    }

    /// A string shown in a message: quoted, and cut to 64 characters so messages stay one line
    /// and never carry a whole record.
    public static func quote(_ text: String) -> String {
        var shown = text.unicodeScalars.prefix(64).map { scalar -> String in
            switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\"": "\\\""
            default: scalar.value < 0x20 ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }.joined()
        if text.unicodeScalars.count > 64 { shown += "…" }
        return "\"\(shown)\""
    }
}
