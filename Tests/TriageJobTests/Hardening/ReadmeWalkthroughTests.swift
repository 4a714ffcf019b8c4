import Foundation
import Testing
import TriageTestSupport

/// The README's first-screen walk-through, run as written: its decisions file (the heredoc), its
/// CSV example and every JSON example line parse, and the commands answer what the README shows.
@Suite struct ReadmeWalkthroughTests {
    static func readme() throws -> String {
        try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    }

    /// The lines between `<<'END'` and `END`.
    static func heredoc(_ text: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasSuffix("<<'END'") })
        let end = try #require(lines[(start + 1)...].firstIndex { $0 == "END" })
        return lines[(start + 1)..<end].joined(separator: "\n") + "\n"
    }

    /// The fenced block after the first line starting with `fence`.
    static func block(_ text: String, fence: String) throws -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == fence })
        let end = try #require(lines[(start + 1)...].firstIndex { $0 == "```" })
        return lines[(start + 1)..<end].joined(separator: "\n") + "\n"
    }

    @Test func theWalkthroughRunsAsWritten() throws {
        let directory = TestPaths.temporaryDirectory("walkthrough")
        defer { try? FileManager.default.removeItem(at: directory) }
        let readme = try Self.readme()
        var decisions = try Self.heredoc(readme)
        try decisions.write(to: directory.appendingPathComponent("mine.ndjson"), atomically: true, encoding: .utf8)

        let first = try CommandRun.triage(["validate", "mine.ndjson"], directory: directory)
        #expect(first.status == 1)
        let failure = try #require(first.stderr.split(separator: "\n").first)
        #expect(readme.contains(String(failure)), "README does not show: \(failure)")

        decisions = decisions.replacingOccurrences(of: "\"VerificationStat\"", with: "\"VerificationState\"")
        try decisions.write(to: directory.appendingPathComponent("mine.ndjson"), atomically: true, encoding: .utf8)
        let samples = TestPaths.packageRoot.appendingPathComponent("samples/findings.ndjson.gz").path
        #expect(
            try CommandRun.triage(["import", samples, "--store", "findings.sqlite"], directory: directory).status == 0)
        let rehearsal = try CommandRun.triage(
            ["apply", "--dry-run", "mine.ndjson", "--store", "findings.sqlite"], directory: directory)
        #expect(rehearsal.status == 0, "\(rehearsal.stderr)")
        for line in rehearsal.stderr.split(separator: "\n") where line.hasPrefix("  ") {
            #expect(readme.contains(String(line)), "README does not show: \(line)")
        }
        let apply = try CommandRun.triage(
            ["apply", "mine.ndjson", "--store", "findings.sqlite", "--report", "out/report.json"], directory: directory)
        #expect(apply.status == 2, "out/ does not exist yet: \(apply.stderr)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        let applied = try CommandRun.triage(
            ["apply", "mine.ndjson", "--store", "findings.sqlite", "--report", "out/report.json"], directory: directory)
        #expect(applied.status == 0, "\(applied.stderr)")
        let export = try CommandRun.triage(["export", "--store", "findings.sqlite"], directory: directory).stdout
        let line = try #require(export.split(separator: "\n").first { $0.contains("cf799c32") })
        #expect(line.contains(#""Status":"SUPPRESSED""#) || line.contains(#""Status": "SUPPRESSED""#), "\(line)")
    }

    /// The README's `sh` blocks after the install and first-commands ones (the walk-through's file,
    /// Security Hub against `triage serve`, the nightly inbox) run as written from the repository
    /// root (a scratch folder laid out like it), in order, each command ending with 0 or 1; the
    /// store the walk-through imports in between (a `$` block) is imported the same way.
    @Test func theShellBlocksRunAsWritten() throws {
        let directory = TestPaths.temporaryDirectory("readme-sh")
        defer { try? FileManager.default.removeItem(at: directory) }
        var blocks: [String] = []
        var current: [Substring]?
        for line in try Self.readme().split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        try #require(blocks.count >= 5, "\(blocks.count) sh blocks")
        let steps = [blocks[2], "triage import samples/findings.ndjson.gz --store out/findings.sqlite"] + blocks[3...]
        // Every command's status checked (a heredoc and a continued line are one command).
        let script =
            "set -u\ncheck() { s=$?; [ $s -le 1 ] || { echo \"FAILED ($s) in step $1\" >&2; exit $s; }; }\n"
            + steps.enumerated().map { "\($0.element)\ncheck \($0.offset)" }.joined(separator: "\n") + "\nwait\n"
        let run = try CommandRun.example(script, in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        for made in ["out/wire.json", "out/triage.prom", "out/inbox/done/decisions.csv", "out/merged.json"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(made).path), "\(made)")
        }
    }

    /// The format examples of docs/contract.md (its first `csv` and `json` blocks) are valid.
    @Test func theCSVAndJSONExamplesAreValid() throws {
        let directory = TestPaths.temporaryDirectory("readme-examples")
        defer { try? FileManager.default.removeItem(at: directory) }
        let readme = try String(
            contentsOf: TestPaths.packageRoot.appendingPathComponent("docs/contract.md"), encoding: .utf8)
        try Self.block(readme, fence: "```csv").write(
            to: directory.appendingPathComponent("e.csv"), atomically: true, encoding: .utf8)
        try Self.block(readme, fence: "```json").write(
            to: directory.appendingPathComponent("e.ndjson"), atomically: true, encoding: .utf8)
        for file in ["e.csv", "e.ndjson"] {
            let run = try CommandRun.triage(["validate", file], directory: directory)
            #expect(run.status == 0, "\(file): \(run.stderr)")
            #expect(run.stderr.contains("1 record, 1 processed"), "\(file): \(run.stderr)")
        }
    }
}
