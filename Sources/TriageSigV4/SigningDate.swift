import TriageCore

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
        let days = CivilCalendar.days(year: year, month: month, day: day)
        self.init(secondsSince1970: days * 86_400 + hour * 3_600 + minute * 60 + second)
    }

    /// `yyyyMMdd'T'HHmmss'Z'`, the `X-Amz-Date` value.
    public var amzDate: String {
        let moment = CivilCalendar.moment(secondsSince1970: secondsSince1970)
        let pad = CivilCalendar.padded
        return pad(moment.year, 4) + pad(moment.month, 2) + pad(moment.day, 2) + "T" + pad(moment.hour, 2)
            + pad(moment.minute, 2) + pad(moment.second, 2) + "Z"
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
}
