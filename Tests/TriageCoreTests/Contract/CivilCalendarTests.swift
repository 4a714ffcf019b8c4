import Testing
import TriageCore
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The one calendar of the code base against the C library's `gmtime_r`/`timegm`, on dates from
/// the year 1020 to 2920, leap days and the epoch's neighbours included.
@Suite struct CivilCalendarTests {
    static func reference(_ seconds: Int64) -> tm {
        var time = time_t(seconds)
        var value = tm()
        gmtime_r(&time, &value)
        return value
    }

    @Test func momentsAndDaysAgreeWithTheCLibrary() {
        var generator = SplitMix64(state: 2026)
        var samples: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, -2_208_988_800]
        for _ in 0..<20_000 { samples.append(Int64(generator.next() % 60_000_000_000) - 30_000_000_000) }
        for seconds in samples {
            let moment = CivilCalendar.moment(secondsSince1970: seconds)
            let expected = Self.reference(seconds)
            #expect(moment.year == Int64(expected.tm_year) + 1900, "\(seconds)")
            #expect(moment.month == Int64(expected.tm_mon) + 1, "\(seconds)")
            #expect(moment.day == Int64(expected.tm_mday), "\(seconds)")
            #expect(
                moment.hour * 3_600 + moment.minute * 60 + moment.second
                    == Int64(expected.tm_hour * 3_600 + expected.tm_min * 60 + expected.tm_sec), "\(seconds)")
            let days = CivilCalendar.days(year: moment.year, month: moment.month, day: moment.day)
            #expect(days == CivilCalendar.floorDivide(seconds, 86_400), "\(seconds)")
        }
    }

    @Test func rfc3339KeepsMillisecondsOnBothSidesOfTheEpoch() {
        #expect(Timestamp.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.rfc3339(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp.rfc3339(milliseconds: 1_796_239_933_628) == "2026-12-02T19:32:13.628Z")
        #expect(Timestamp.rfc3339(milliseconds: 951_782_400_001) == "2000-02-29T00:00:00.001Z")
    }
}
