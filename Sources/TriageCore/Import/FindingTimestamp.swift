/// An RFC 3339 date-time as ASFF writes `UpdatedAt` (`2020-05-27T03:38:22.457Z`,
/// `2018-11-29T23:36:16.081-05:00`), reduced to an instant for comparing re-imports.
///
/// Two sets of rules (``Rules``): the lenient RFC 3339 reading that filters, credentials and
/// stored findings use, and Security Hub's stricter "Timestamps" rules that an imported finding's
/// timestamps must meet.
package struct FindingTimestamp: Comparable, Hashable, Sendable {
    /// Which forms a parse accepts.
    package enum Rules: Sendable {
        /// RFC 3339 read leniently: `T` or `t` between date and time, any number of fraction
        /// digits (nanoseconds kept, further digits ignored), `Z`, `z` or a `±HH:MM` offset, and a
        /// leap second (`:60`) at any minute, counted as the next second.
        case rfc3339
        /// Security Hub's "Timestamps" rules for ASFF (API reference, `Welcome.html#timestamps`;
        /// the pattern CloudFormation publishes for its `DateFilter`): an uppercase `T`; a
        /// fraction of 1 to 9 digits; `Z` or an offset `±HH`, `±HHMM` or `±HH:MM` of at most
        /// 18:00; seconds `00`–`59`, or `60` only in `23:59:60`. The day must exist in its month
        /// (*choice*: the published pattern allows `02-31`, which names no instant).
        case securityHub
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    package var seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    package var nanoseconds: Int32

    /// Parses `text` by `rules`, or returns `nil` when it does not follow them.
    package init?(_ text: String, rules: Rules = .rfc3339) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse($0, rules: rules) }) else { return nil }
        self = parsed
    }

    /// Parses UTF-8 `bytes` by `rules` (no `String` is made: import checks every timestamp of a
    /// finding in place).
    package init?(utf8 bytes: UnsafeRawBufferPointer, rules: Rules) {
        guard let parsed = Self.parse(bytes.bindMemory(to: UInt8.self), rules: rules) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, rules: Rules) -> FindingTimestamp? {
        let strict = rules == .securityHub
        var position = 0
        func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
                position += 1
            }
            return value
        }
        func expect(_ allowed: UInt8...) -> Bool {
            guard position < bytes.count, allowed.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        let timeSeparator: [UInt8] = strict ? [UInt8(ascii: "T")] : [UInt8(ascii: "T"), UInt8(ascii: "t")]
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), position < bytes.count, timeSeparator.contains(bytes[position])
        else { return nil }
        position += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        if strict, second == 60, hour != 23 || minute != 59 { return nil }
        var nanoseconds = 0
        if expect(UInt8(ascii: ".")) {
            var scale = 100_000_000
            let start = position
            while position < bytes.count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                nanoseconds += Int(digit) * scale
                scale /= 10
                position += 1
            }
            guard position > start, !strict || position - start <= 9 else { return nil }
        }
        var offsetSeconds = 0
        let zulu: [UInt8] = strict ? [UInt8(ascii: "Z")] : [UInt8(ascii: "Z"), UInt8(ascii: "z")]
        if position < bytes.count, zulu.contains(bytes[position]) {
            position += 1
        } else {
            guard position < bytes.count else { return nil }
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            guard expect(UInt8(ascii: "+"), UInt8(ascii: "-")), let offsetHours = digits(2) else { return nil }
            var offsetMinutes = 0
            if strict {
                // ±HH, ±HHMM or ±HH:MM, at most 18:00.
                if position < bytes.count {
                    _ = expect(UInt8(ascii: ":"))
                    guard let minutes = digits(2) else { return nil }
                    offsetMinutes = minutes
                }
                guard offsetMinutes < 60, offsetHours * 60 + offsetMinutes <= 18 * 60 else { return nil }
            } else {
                guard expect(UInt8(ascii: ":")), let minutes = digits(2), offsetHours < 24, minutes < 60 else {
                    return nil
                }
                offsetMinutes = minutes
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard position == bytes.count else { return nil }
        let days = CivilCalendar.days(year: Int64(year), month: Int64(month), day: Int64(day))
        return FindingTimestamp(
            seconds: days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds),
            nanoseconds: Int32(nanoseconds))
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
