import Foundation
import Testing
import TriageIO

/// Apache Commons CSV fixtures (Apache-2.0): CSVFileParser and CSV-196.
@Suite struct CSVCommonsTests {
    static let folder = "csv/apache-commons-csv/CSVFileParser"

    /// `test_rfc4180.txt`: line 1 names the input, line 2 is the format, then `N:[v1, v2, ...]` per
    /// record (Java `Arrays.toString`); `#` lines are comments of the control file.
    @Test func testCSVMatchesRFC4180Expectations() throws {
        let control = String(decoding: try CSVFeed.bytes("\(Self.folder)/test_rfc4180.txt"), as: UTF8.self)
        let lines = control.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let input = try #require(lines.first?.split(separator: " ").first.map(String.init))
        #expect(input == "test.csv")
        let expected = lines.dropFirst(2).filter { !$0.isEmpty && !$0.hasPrefix("#") }

        let records = CSVFeed.records(CSVFeed.events(try CSVFeed.bytes("\(Self.folder)/\(input)")))
        let actual = records.map { "\($0.count):[\($0.joined(separator: ", "))]" }
        #expect(actual == expected)
        #expect(expected.count == 16)
    }

    @Test func bomIsDroppedAtTheStart() throws {
        let bytes = try CSVFeed.bytes("\(Self.folder)/bom.csv")
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let records = CSVFeed.records(CSVFeed.events(bytes))
        #expect(records.first == ["Date", " Open", " High", " Low", " Close", " Volume"])
        #expect(records.count > 100)
        #expect(records.allSatisfy { $0.count == 6 })
        #expect(records[1] == ["14-Mar-14", "223.80", "225.20", "220.85", "221.51", "79448141"])
    }

    /// CSV-196 has no expectations: every record has the header's field count and writing the fields
    /// back with commas and LFs gives the file's bytes again.
    @Test(arguments: ["emoji.csv", "japanese.csv"])
    func multiByteTextRoundTrips(name: String) throws {
        let bytes = try CSVFeed.bytes("csv/apache-commons-csv/CSV-196/\(name)")
        let records = CSVFeed.records(CSVFeed.events(bytes))
        let header = try #require(records.first)
        #expect(header.count == 16 || header.count == 17)
        #expect(records.count >= 3)
        #expect(records.allSatisfy { $0.count == header.count })
        let written = records.map { $0.joined(separator: ",") }.joined(separator: "\n") + (bytes.last == 10 ? "\n" : "")
        #expect(Array(written.utf8) == bytes)
    }
}
