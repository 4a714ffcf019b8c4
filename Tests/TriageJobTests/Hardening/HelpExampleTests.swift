import Foundation
import Testing
import TriageTestSupport

/// Every `--help` example survives being copied from a pipe or a log: ArgumentParser wraps help
/// text at 80 columns when stdout is not a terminal, so each example line must fit and go on
/// with a `\` continuation.
@Suite struct HelpExampleTests {
    @Test(arguments: ["apply", "validate", "import", "export", "report", "generate"])
    func examplesAreNeverWrapped(command: String) throws {
        let run = try CommandRun.triage([command, "--help"], environment: ["COLUMNS": "80"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("Example") })
        var examples: [Substring] = []
        for line in lines[(start + 1)...] {
            if line.isEmpty { break }
            examples.append(line)
        }
        #expect(!examples.isEmpty)
        for (index, line) in examples.enumerated() {
            // A wrapped line would start at column 0; every example line is indented.
            #expect(line.hasPrefix("  "), "\(command) --help: example line \(index + 1) was wrapped: \(line)")
            if index > 0, !examples[index - 1].hasSuffix("\\") {
                let word = line.dropFirst(2).prefix { $0 != " " }
                #expect(["triage", "zcat", "mkdir"].contains(word), "\(command): \(line)")
            }
        }
    }

    @Test func versionIsPrinted() throws {
        let run = try CommandRun.triage(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("triage "), "\(run.stdout)")
    }
}
