/// Attributes of one `<testsuite>` in a JUnit report (one per input of a run).
///
/// Counts (`tests`, `failures`, `errors`) and `id` are written as `xs:int`: values are clamped to
/// `0...Int32.max`. `time` is in seconds, written with exactly 3 decimals (see ``JUnitWriter``).
package struct JUnitSuite: Sendable {
    /// The suite name (the input); a blank name is written as `(unnamed)` (the schema needs one character).
    package var name: String
    /// The `package` attribute; may be empty.
    package var package: String
    /// Position of the suite in the report, starting at 0.
    package var id: Int
    /// Start of the run, `YYYY-MM-DDTHH:MM:SS` in UTC without zone or fraction; see ``timestamp(unixSeconds:)``.
    package var timestamp: String
    /// The host that ran the suite; a blank host name is written as `localhost` (the schema's advice).
    package var hostname: String
    /// Number of `testCase` calls that will follow.
    package var tests: Int
    /// Number of those test cases that carry a failure.
    package var failures: Int
    /// Number of errored test cases (the writer itself writes failures only).
    package var errors: Int
    /// Duration of the suite in seconds; negative or NaN is written as `0.000`.
    package var time: Double
    /// `<property name= value=>` pairs, in order; a blank name is written as `(unnamed)`.
    package var properties: [(name: String, value: String)]

    /// Creates the attributes of one suite.
    package init(
        name: String, package: String = "", id: Int, timestamp: String, hostname: String,
        tests: Int, failures: Int, errors: Int = 0, time: Double,
        properties: [(name: String, value: String)] = []
    ) {
        self.name = name
        self.package = package
        self.id = id
        self.timestamp = timestamp
        self.hostname = hostname
        self.tests = tests
        self.failures = failures
        self.errors = errors
        self.time = time
        self.properties = properties
    }

    /// Formats a Unix time (seconds since 1970-01-01T00:00:00Z) as a JUnit `timestamp` in UTC.
    ///
    /// Times before year 1 or after year 9999 are clamped to `0001-01-01T00:00:00` and
    /// `9999-12-31T23:59:59` (the schema wants exactly four year digits).
    package static func timestamp(unixSeconds: Int64) -> String {
        // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as Unix times.
        let seconds = min(max(unixSeconds, -62_135_596_800), 253_402_300_799)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(digits(year, 4))-\(digits(month, 2))-\(digits(day, 2))T"
            + "\(digits(secondOfDay / 3600, 2)):\(digits(secondOfDay / 60 % 60, 2)):\(digits(secondOfDay % 60, 2))"
    }

    /// Whether `timestamp` is a valid `xs:dateTime` of the form `YYYY-MM-DDTHH:MM:SS`.
    static func isValidTimestamp(_ timestamp: String) -> Bool {
        let bytes = Array(timestamp.utf8)
        guard bytes.count == 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return year >= 1 && (1...12).contains(month) && day >= 1 && day <= monthDays[month - 1]
            && hour < 24 && minute < 60 && second < 60
    }
}

/// A failed test case: `<failure type= message=>text</failure>`.
package struct JUnitFailure: Sendable {
    /// The error code (`FindingNotFound`, `InvalidInput`, ...).
    package var type: String
    /// The error message, one line or several.
    package var message: String
    /// The element text (`input:line`).
    package var text: String

    /// Creates a failure.
    package init(type: String, message: String, text: String) {
        self.type = type
        self.message = message
        self.text = text
    }
}
