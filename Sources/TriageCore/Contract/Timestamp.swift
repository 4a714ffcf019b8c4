#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formats instants (milliseconds since 1970, UTC) as reports, journals and notes write them.
/// Pure: the time is always given (``SystemClock`` in TriageIO reads it).
public enum Timestamp {
    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-24T02:00:03.512Z`.
    public static func rfc3339(milliseconds: Int64) -> String {
        let (parts, millis) = components(milliseconds)
        return parts + "." + pad(Int(millis), 3) + "Z"
    }

    private static func components(_ milliseconds: Int64) -> (String, Int64) {
        var seconds = time_t(milliseconds.floorDiv(1000))
        let millis = milliseconds - Int64(seconds) * 1000
        var value = tm()
        gmtime_r(&seconds, &value)
        let date = "\(pad(Int(value.tm_year) + 1900, 4))-\(pad(Int(value.tm_mon) + 1, 2))-\(pad(Int(value.tm_mday), 2))"
        let time = "\(pad(Int(value.tm_hour), 2)):\(pad(Int(value.tm_min), 2)):\(pad(Int(value.tm_sec), 2))"
        return (date + "T" + time, millis)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Int64 {
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
