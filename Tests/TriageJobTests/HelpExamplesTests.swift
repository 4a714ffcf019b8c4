import Foundation
import Testing
import TriageTestSupport

/// Every example in `--help` runs as written from the repository root (here: a scratch folder
/// laid out like it, with `samples/` and an empty `out/`), in the order a reader meets them, and
/// ends with exit status 0 or 1 (the samples hold invalid records on purpose). An example after a
/// paragraph saying it contacts AWS is not run: none other may.
@Suite(.serialized) struct HelpExamplesTests {
    /// The commands, in an order where each one's examples find what earlier ones made.
    static let commands = ["import", "apply", "validate", "export", "report", "generate", "serve"]

    /// The examples of one `--help` text: indented lines of the discussion (before `USAGE:`),
    /// continuation lines joined, with whether the paragraph before them says they contact AWS.
    static func examples(_ help: String) -> [(command: String, contactsAWS: Bool)] {
        var examples: [(String, Bool)] = []
        var contactsAWS = false
        var pending: String?
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("USAGE:") { break }
            guard line.hasPrefix("  ") else {
                if !line.isEmpty { contactsAWS = line.contains("contacts AWS") || (contactsAWS && pending != nil) }
                continue
            }
            var text = line.trimmingCharacters(in: .whitespaces)
            let continues = text.hasSuffix("\\")
            if continues { text.removeLast() }
            pending = (pending.map { $0 + " " } ?? "") + text
            if !continues {
                examples.append((pending!, contactsAWS))
                pending = nil
            }
        }
        return examples
    }

    @Test func everyExampleRunsAsWritten() throws {
        let directory = TestPaths.temporaryDirectory("help-examples")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        var script = "set -u\n"
        var count = 0
        var skipped = 0
        for command in Self.commands {
            let help = try CommandRun.triage([command, "--help"])
            #expect(help.status == 0)
            let examples = Self.examples(help.stdout)
            #expect(!examples.isEmpty, "triage \(command) --help has no example")
            for example in examples {
                if example.contactsAWS {
                    skipped += 1
                    continue
                }
                // Each line's status checked: 0 or 1 passes; a background job's is its start's.
                script +=
                    "\(example.command)\ns=$?; if [ $s -gt 1 ]; then echo \"FAILED ($s): \(example.command.replacingOccurrences(of: "\"", with: "'"))\" >&2; exit $s; fi\n"
                count += 1
            }
        }
        script += "wait\n"
        let run = try CommandRun.example(script, in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(count >= 15, "only \(count) examples found")
        #expect(skipped == 1, "the examples that contact AWS: \(skipped)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/wire.json").path))
        #expect(
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/inbox/reports").path))
    }
}
