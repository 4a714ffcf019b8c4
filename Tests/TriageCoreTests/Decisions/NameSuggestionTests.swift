import Testing

@testable import TriageCore

/// The pure nearest-name rule behind every "did you mean".
@Suite struct NameSuggestionTests {
    static func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    @Test(arguments: [
        ("", "", 0), ("abc", "", 3), ("", "ab", 2), ("status", "status", 0), ("stauts", "status", 1),
        ("lable", "label", 1), ("txt", "text", 1), ("state", "status", 2), ("kitten", "sitting", 3),
        ("ca", "abc", 3),  // optimal string alignment: no edit of a transposed pair
    ])
    func distances(a: String, b: String, expected: Int) {
        #expect(NameSuggestion.distance(Self.scalars(a), Self.scalars(b)) == expected)
        #expect(NameSuggestion.distance(Self.scalars(b), Self.scalars(a)) == expected)
    }

    @Test(arguments: [(1, 1), (2, 1), (5, 1), (6, 2), (17, 2)])
    func limits(length: Int, edits: Int) {
        #expect(NameSuggestion.limit(for: length) == edits)
    }

    @Test func nearestIsCaseAndSeparatorBlindAndBounded() {
        let candidates = ["Id", "ProductArn", "Workflow.Status", "Note.Text", "Note"]
        #expect(NameSuggestion.nearest(to: "workflow_status", among: candidates) == "Workflow.Status")
        #expect(NameSuggestion.nearest(to: "PRODUCTARN", among: candidates) == "ProductArn")
        #expect(NameSuggestion.nearest(to: "Idd", among: candidates) == "Id")
        #expect(NameSuggestion.nearest(to: "Nxpe", among: candidates) == nil)  // 2 edits from Note, limit 1
        #expect(NameSuggestion.nearest(to: "Xy", among: candidates) == nil)
        #expect(NameSuggestion.nearest(to: "..", among: candidates) == nil)
        // The nearest wins; on a tie, the earlier candidate.
        #expect(NameSuggestion.nearest(to: "Notes", among: ["Note", "Notes1"]) == "Note")
        #expect(NameSuggestion.nearest(to: "ab", among: ["ax", "xb"]) == "ax")
    }
}
