import Foundation
import Testing
import TriageIO

@Suite("JUnitSuite.timestamp")
struct JUnitSuiteTests {
    @Test(
        "formats Unix times in UTC and clamps to four-digit years",
        arguments: [
            (0, "1970-01-01T00:00:00"), (1_700_000_000, "2023-11-14T22:13:20"), (951_782_400, "2000-02-29T00:00:00"),
            (-1, "1969-12-31T23:59:59"), (-62_135_596_800, "0001-01-01T00:00:00"), (Int64.min, "0001-01-01T00:00:00"),
            (253_402_300_799, "9999-12-31T23:59:59"), (Int64.max, "9999-12-31T23:59:59"),
        ] as [(Int64, String)])
    func knownTimes(seconds: Int64, expected: String) {
        #expect(JUnitSuite.timestamp(unixSeconds: seconds) == expected)
    }

    @Test("agrees with Foundation on random times")
    func agreesWithFoundation() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -2_000_000_000...8_000_000_000, using: &generator)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(JUnitSuite.timestamp(unixSeconds: seconds) == expected, "\(seconds)")
        }
    }
}
