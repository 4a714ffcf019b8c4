/// The proleptic Gregorian calendar in UTC, by day numbers since 1970-01-01 (Howard Hinnant's
/// `days_from_civil` / `civil_from_days`): the one date arithmetic behind finding timestamps,
/// report timestamps and SigV4's `X-Amz-Date`. Pure; no time zone, no clock.
public enum CivilCalendar {
    /// A calendar date and a time of day, UTC.
    public struct Moment: Sendable, Equatable {
        /// The year (proleptic Gregorian), month 1...12, day 1...31.
        public var year: Int64, month: Int64, day: Int64
        /// Hour 0...23, minute 0...59, second 0...59.
        public var hour: Int64, minute: Int64, second: Int64
    }

    /// Days from 1970-01-01 to the date (negative before it).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date and time `seconds` after 1970-01-01T00:00:00Z.
    public static func moment(secondsSince1970 seconds: Int64) -> Moment {
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return Moment(
            year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month,
            day: dayOfYear - (153 * shiftedMonth + 2) / 5 + 1, hour: secondOfDay / 3_600,
            minute: secondOfDay % 3_600 / 60, second: secondOfDay % 60)
    }

    /// `value` in decimal, zero-padded to `width` digits.
    public static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Division rounding towards negative infinity.
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
