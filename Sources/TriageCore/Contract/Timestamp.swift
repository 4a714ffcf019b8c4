/// Formats instants (milliseconds since 1970, UTC) as reports, journals and notes write them.
/// Pure: the time is always given (``SystemClock`` in TriageIO reads it).
public enum Timestamp {
    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-24T02:00:03.512Z`.
    public static func rfc3339(milliseconds: Int64) -> String {
        let seconds = CivilCalendar.floorDivide(milliseconds, 1000)
        let moment = CivilCalendar.moment(secondsSince1970: seconds)
        let pad = CivilCalendar.padded
        return "\(pad(moment.year, 4))-\(pad(moment.month, 2))-\(pad(moment.day, 2))"
            + "T\(pad(moment.hour, 2)):\(pad(moment.minute, 2)):\(pad(moment.second, 2))"
            + ".\(pad(milliseconds - seconds * 1000, 3))Z"
    }
}
