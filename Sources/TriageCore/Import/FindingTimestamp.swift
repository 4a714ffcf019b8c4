/// An RFC 3339 date-time as ASFF writes `UpdatedAt` (`2020-05-27T03:38:22.457Z`,
/// `2018-11-29T23:36:16.081-05:00`), reduced to an instant for comparing re-imports.
///
/// Accepts `T` or `t` between date and time, any number of fraction digits (nanoseconds kept,
/// further digits ignored), `Z`, `z` or a `±HH:MM` offset. Leap seconds (`:60`) count as the
/// next second.
package struct FindingTimestamp: Comparable, Hashable, Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    package var seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    package var nanoseconds: Int32

    /// Parses `text`, or returns `nil` when it is not an RFC 3339 date-time.
    package init?(_ text: String) {
        let bytes = Array(text.utf8)
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
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), expect(UInt8(ascii: "T"), UInt8(ascii: "t")), let hour = digits(2),
            expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")), let second = digits(2),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second <= 60
        else { return nil }
        var nanoseconds = 0
        if expect(UInt8(ascii: ".")) {
            var scale = 100_000_000
            let start = position
            while position < bytes.count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                nanoseconds += Int(digit) * scale
                scale /= 10
                position += 1
            }
            guard position > start else { return nil }
        }
        var offsetSeconds = 0
        if expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            offsetSeconds = 0
        } else {
            guard position < bytes.count else { return nil }
            let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
            guard expect(UInt8(ascii: "+"), UInt8(ascii: "-")), let offsetHours = digits(2), expect(UInt8(ascii: ":")),
                let offsetMinutes = digits(2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard position == bytes.count else { return nil }
        let days = CivilCalendar.days(year: Int64(year), month: Int64(month), day: Int64(day))
        seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        self.nanoseconds = Int32(nanoseconds)
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
