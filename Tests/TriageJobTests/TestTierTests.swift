import Foundation
import Testing
import TriageTestSupport

/// The two test tiers stay as `jobs/test` documents them: every suite whose file runs the triage
/// binary is in the slow tier (`Tests/slow-suites.txt`, which `jobs/test --fast` skips), and every
/// line of that list names a suite or a test that exists, so that a renamed suite does not slip
/// into the fast tier and the list does not go stale.
@Suite struct TestTierTests {
    /// What a test file calls when it runs the binary: a subcommand, `triage serve`, a script of
    /// `jobs/`, a documentation example, or the wire fixtures built on them.
    static let binaryMarkers = [
        "CommandRun.triage(", "CommandRun.example(", "TestPaths.triageBinary", "Process.start(", "ServeProcess(",
        "WireFixture(", "BackgroundTriage(", "TriageUnderTest.", "FaultDecisions(", "\"jobs/",
    ]

    /// One line of the list: `Target.Suite` or `Target.Suite/test`.
    struct Entry: CustomStringConvertible {
        var target: String
        var suite: String
        var test: String?

        var description: String { "\(target).\(suite)" + (test.map { "/\($0)" } ?? "") }
    }

    /// A test file: its target, its text and the suites it declares at the top level.
    struct TestFile {
        var path: String
        var target: String
        var text: String
        var suites: [String]
    }

    static let tests = TestPaths.packageRoot.appendingPathComponent("Tests")

    /// The lines of `Tests/slow-suites.txt`, comments and blank lines left out.
    static func entries() throws -> [Entry] {
        let text = try String(contentsOf: tests.appendingPathComponent("slow-suites.txt"), encoding: .utf8)
        return try text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { line in
                let parts = line.split(separator: "/", maxSplits: 1).map(String.init)
                let names = parts[0].split(separator: ".").map(String.init)
                try #require(names.count == 2, "not Target.Suite: \(line)")
                return Entry(target: names[0], suite: names[1], test: parts.count > 1 ? parts[1] : nil)
            }
    }

    /// Every Swift file of the test targets (the support targets declare no suites).
    static func files() throws -> [TestFile] {
        let targets = try FileManager.default.contentsOfDirectory(atPath: tests.path).filter { $0.hasSuffix("Tests") }
        var files: [TestFile] = []
        for target in targets.sorted() {
            let root = tests.appendingPathComponent(target)
            guard let walker = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = root.appendingPathComponent(relative).path
                let text = try String(contentsOfFile: path, encoding: .utf8)
                files.append(
                    TestFile(path: "\(target)/\(relative)", target: target, text: text, suites: suites(in: text)))
            }
        }
        return files
    }

    /// The types a file declares at the top level whose names end in `Tests` (every suite here).
    static func suites(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line -> String? in
            var words = line.split(separator: " ").map(String.init)
            while let first = words.first, first.hasPrefix("@") || ["final", "package", "private"].contains(first) {
                words.removeFirst()
            }
            guard words.count >= 2, ["struct", "class", "enum"].contains(words[0]) else { return nil }
            let name = String(words[1].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            return name.hasSuffix("Tests") ? name : nil
        }
    }

    @Test func everySuiteThatRunsTheBinaryIsInTheSlowTier() throws {
        let entries = try Self.entries()
        let listed = Set(entries.map { "\($0.target).\($0.suite)" })
        let files = try Self.files()
        #expect(files.count > 100, "the test files were not found under \(Self.tests.path)")
        var checked = 0
        // This file names the markers without running anything.
        let own = URL(fileURLWithPath: #filePath).lastPathComponent
        for file in files
        where !file.path.hasSuffix("/" + own) && Self.binaryMarkers.contains(where: file.text.contains) {
            for suite in file.suites {
                checked += 1
                let isListed = listed.contains("\(file.target).\(suite)")
                #expect(
                    isListed,
                    "\(file.path) runs the triage binary: add \(file.target).\(suite) to Tests/slow-suites.txt")
            }
        }
        #expect(checked >= 40, "only \(checked) suites run the binary: are the markers still the helpers' names?")
    }

    @Test func everyLineOfTheListNamesASuiteOrATest() throws {
        let entries = try Self.entries()
        #expect(entries.count >= 40)
        let files = try Self.files()
        for entry in entries {
            let declaring = files.filter { $0.target == entry.target && $0.suites.contains(entry.suite) }
            let exists = !declaring.isEmpty
            #expect(exists, "\(entry): no such suite in Tests/\(entry.target)")
            if let test = entry.test {
                let hasTest = declaring.contains { $0.text.contains("func \(test)(") }
                #expect(hasTest, "\(entry): no such test in \(entry.suite)")
            }
        }
    }
}
