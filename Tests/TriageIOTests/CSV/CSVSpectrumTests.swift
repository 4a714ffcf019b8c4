import Foundation
import Testing
import TriageIO

/// csv-spectrum (Max Ogden, BSD-2-Clause): every `csvs/NAME.csv` against `json/NAME.json`.
@Suite struct CSVSpectrumTests {
    /// Cases compared exactly; `location_coordinates` is defective upstream (see SOURCES.md).
    static let exactCases = CSVFeed.files("csv/csv-spectrum/csvs")
        .map { ($0 as NSString).lastPathComponent.replacingOccurrences(of: ".csv", with: "") }
        .filter { $0 != "location_coordinates" }

    @Test func corpusIsPresent() {
        #expect(Self.exactCases.count == 11)
    }

    @Test(arguments: exactCases)
    func matchesExpectedJSON(name: String) throws {
        let csv = try CSVFeed.bytes("csv/csv-spectrum/csvs/\(name).csv")
        let json = try CSVFeed.bytes("csv/csv-spectrum/json/\(name).json")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [[String: String]])

        let records = CSVFeed.records(CSVFeed.events(csv))
        let header = try #require(records.first)
        let rows = Array(records.dropFirst())
        #expect(rows.count == expected.count)
        for (row, object) in zip(rows, expected) {
            #expect(Set(header) == Set(object.keys))
            #expect(row.count == header.count)
            // Compare bytes: `==` on String would accept a canonically equivalent spelling.
            let actual = Dictionary(uniqueKeysWithValues: zip(header, row.map { Array($0.utf8) }))
            #expect(actual == object.mapValues { Array($0.utf8) })
        }
    }

    @Test func newlinesCRLFKeepsCRLFInsideQuotes() throws {
        let records = CSVFeed.records(CSVFeed.events(try CSVFeed.bytes("csv/csv-spectrum/csvs/newlines_crlf.csv")))
        #expect(records[2] == ["Once upon \r\na time", "5", "6"])
        #expect(records.allSatisfy { $0.allSatisfy { !$0.hasSuffix("\r") } })
    }

    /// Defective upstream (bare quotes in an unquoted field, JSON disagrees with the CSV): it must not
    /// crash, and the lenient reading keeps the quotes literally.
    @Test func locationCoordinatesReadsLeniently() throws {
        let events = CSVFeed.events(try CSVFeed.bytes("csv/csv-spectrum/csvs/location_coordinates.csv"))
        let records = CSVFeed.records(events)
        #expect(records.count == 2)
        #expect(records.map(\.count) == [4, 4])
        #expect(records[1][1] == "37\u{FFFD}36'37.8\"N 121\u{FFFD}2'17.9\"W")
    }
}
