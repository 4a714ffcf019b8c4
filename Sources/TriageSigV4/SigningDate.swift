/// A UTC instant at one-second resolution, as SigV4 writes it (`yyyyMMdd'T'HHmmss'Z'`), without Foundation.
public struct SigningDate: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64

    /// The instant `secondsSince1970` seconds after the Unix epoch.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// Parses the basic ISO 8601 form `20150830T123600Z`; `nil` for anything else.
    public init?(amzDate text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        self.init(secondsSince1970: days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, the `X-Amz-Date` value.
    public var amzDate: String {
        let (year, month, day) = Self.civil(fromDays: floorDivide(secondsSince1970, 86_400))
        let seconds = secondsSince1970 - floorDivide(secondsSince1970, 86_400) * 86_400
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(seconds / 3_600, 2)
            + pad(seconds % 3_600 / 60, 2) + pad(seconds % 60, 2) + "Z"
    }

    /// `yyyyMMdd`, the date of the credential scope.
    public var scopeDate: String {
        String(amzDate.prefix(8))
    }

    /// This instant moved by `seconds` (negative for earlier).
    public func adding(seconds: Int64) -> SigningDate {
        SigningDate(secondsSince1970: secondsSince1970 + seconds)
    }

    /// Earlier instants first.
    public static func < (lhs: SigningDate, rhs: SigningDate) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
