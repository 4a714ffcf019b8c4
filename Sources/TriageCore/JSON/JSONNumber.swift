/// A JSON number kept exactly as written (e.g. `-0`, `1e400`, `50.0`), with conversions.
///
/// Equality compares literals, so `1.0` and `1` differ; compare ``doubleValue`` or ``intValue``
/// for numeric equality.
package struct JSONNumber: Sendable, Equatable {
    /// The literal exactly as in the document. The conversions assume it is a valid RFC 8259
    /// number (the parser and ``init(literal:)`` guarantee it).
    package var literal: String

    /// A number for `literal` if it is a valid RFC 8259 number (no leading `+`, no leading zeros,
    /// no `NaN`/`Infinity`, no surrounding whitespace); `nil` otherwise.
    package init?(literal: String) {
        var text = literal
        let valid = text.withUTF8 { utf8 in
            var scanner = JSONScanner(bytes: UnsafeRawBufferPointer(utf8), maxDepth: 0)
            guard !utf8.isEmpty, utf8[0] == UInt8(ascii: "-") || (utf8[0] &- UInt8(ascii: "0")) < 10,
                (try? scanner.scanNumber()) != nil
            else { return false }
            return scanner.position == utf8.count
        }
        guard valid else { return nil }
        self.literal = literal
    }

    /// A number for a literal the scanner has already validated.
    init(validatedLiteral: String) {
        self.literal = validatedLiteral
    }

    /// Whether the literal has neither a fraction nor an exponent (`-0` and `100` do; `1.0`
    /// and `1e2` do not).
    package var isIntegerLiteral: Bool {
        !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value of an integer literal that fits in `Int` (`-0` gives 0); `nil` for literals with
    /// a fraction or exponent (even `1.0`, `1e2`) and for integers outside `Int.min...Int.max`.
    package var intValue: Int? {
        var negative = false
        var result = 0
        var sawDigit = false
        for byte in literal.utf8 {
            if byte == UInt8(ascii: "-"), !sawDigit, !negative {
                negative = true
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            sawDigit = true
            // Accumulate negatively so Int.min fits.
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int(digit))
            guard !overflow1, !overflow2 else { return nil }
            result = next
        }
        guard sawDigit else { return nil }
        if negative { return result }
        let (positive, overflow) = (0).subtractingReportingOverflow(result)
        return overflow ? nil : positive
    }

    /// The nearest `Double` (correctly rounded); ±infinity for literals beyond the `Double` range
    /// (`1e400`), ±0 for ones below it.
    package var doubleValue: Double {
        if let value = Double(literal) { return value }
        return literal.utf8.first == UInt8(ascii: "-") ? -.infinity : .infinity
    }
}
