/// One `DateFilter`: `Start`/`End` bounds, or a `DateRange` relative to now.
///
/// Bounds are inclusive (`Start ≤ value ≤ End`); either may be left out (an open range).
/// `DateRange {Value, Unit: DAYS, Comparison}`: `WITHIN` (the default) holds for
/// `now − Value days ≤ value ≤ now`, `OLDER_THAN` for `value < now − Value days`; a day is
/// 86,400 seconds. Values compare as instants (``FindingTimestamp``: offsets applied, fractions
/// to the nanosecond); a finding value that is not an RFC 3339 date-time counts as missing.
package enum DateFilter: Sendable, Hashable {
    /// `Start` and/or `End` (at least one).
    case between(start: FindingTimestamp?, end: FindingTimestamp?)
    /// `DateRange` `WITHIN` `days`.
    case within(days: Int)
    /// `DateRange` `OLDER_THAN` `days`.
    case olderThan(days: Int)

    /// Whether `value` satisfies the filter at `now` (epoch milliseconds).
    func holds(for value: FindingTimestamp, now: Int64) -> Bool {
        switch self {
        case .between(let start, let end):
            if let start, value < start { return false }
            if let end, end < value { return false }
            return true
        case .within(let days):
            return Self.instant(milliseconds: now - Int64(days) * 86_400_000) <= value
                && value <= Self.instant(milliseconds: now)
        case .olderThan(let days):
            return value < Self.instant(milliseconds: now - Int64(days) * 86_400_000)
        }
    }

    /// The bounds in nanoseconds since the epoch (``FindingTimestamp/epochNanoseconds``) that
    /// this filter accepts at `now`: `lower...upper`, or below `below` for `OLDER_THAN`.
    package func nanosecondBounds(now: Int64) -> (lower: Int64?, upper: Int64?, below: Int64?) {
        switch self {
        case .between(let start, let end):
            return (start?.epochNanoseconds, end?.epochNanoseconds, nil)
        case .within(let days):
            let lower = Self.instant(milliseconds: now - Int64(days) * 86_400_000)
            return (lower.epochNanoseconds, Self.instant(milliseconds: now).epochNanoseconds, nil)
        case .olderThan(let days):
            return (nil, nil, Self.instant(milliseconds: now - Int64(days) * 86_400_000).epochNanoseconds)
        }
    }

    /// The instant `milliseconds` after the epoch.
    static func instant(milliseconds: Int64) -> FindingTimestamp {
        let (seconds, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        return remainder < 0
            ? FindingTimestamp(seconds: seconds - 1, nanoseconds: Int32((remainder + 1000) * 1_000_000))
            : FindingTimestamp(seconds: seconds, nanoseconds: Int32(remainder * 1_000_000))
    }
}
