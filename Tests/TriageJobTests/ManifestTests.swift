import Foundation
import Testing
import TriageTestSupport

@testable import triage

/// The job definitions for the schedulers (`jobs/kubernetes`, `jobs/aws-batch`, `jobs/ci`,
/// `jobs/systemd`, `jobs/cron`, `jobs/container`): each passes its ecosystem's validator, and every
/// triage command line in them is one that triage accepts.
@Suite struct ManifestTests {
    /// `jobs/check-manifests`: kubernetes-validate, cfn-lint, check-jsonschema, systemd-analyze,
    /// shellcheck, the crontab and Containerfile checks, and the exit-status wrappers run as PID 1.
    @Test func everyJobDefinitionPassesItsValidator() throws {
        let run = try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"),
            [TestPaths.packageRoot.appendingPathComponent("jobs/check-manifests").path],
            directory: TestPaths.packageRoot)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        for file in [
            "jobs/container/Containerfile", "jobs/kubernetes/cronjob.yaml", "jobs/aws-batch/job-definition.yaml",
            "jobs/kubernetes/indexed-job.yaml", "jobs/kubernetes/merge-job.yaml", "jobs/kubernetes/run-scale",
            "jobs/aws-batch/array-job.yaml", "jobs/aws-batch/member-role.yaml", "jobs/ci/github-actions.yml",
            "jobs/ci/gitlab-ci.yml", "jobs/systemd/triage-nightly.service", "jobs/systemd/triage-nightly.timer",
            "jobs/cron/triage-nightly.cron",
        ] {
            #expect(run.stdout.contains("ok    \(file): "), "\(file) was not checked:\n\(run.stdout)")
        }
    }

    /// Every triage invocation in the definitions, split as a shell would (variables replaced by
    /// plausible values), parses and validates as triage's own command line.
    @Test func everyTriageCommandLineParses() throws {
        let commands = try ManifestCommands.all(under: TestPaths.packageRoot)
        let listing = commands.map { "\($0.location): triage \($0.arguments.joined(separator: " "))" }
            .joined(separator: "\n")
        // Kubernetes 1, Batch 1, GitHub 2 and GitLab 2 (validate, apply), systemd 1, cron 1.
        #expect(commands.count >= 8, "\(listing)")
        let least = ["jobs/kubernetes": 1, "jobs/aws-batch": 1, "jobs/ci": 4, "jobs/systemd": 1, "jobs/cron": 1]
        for directory in ManifestCommands.directories {
            let found = commands.filter { $0.location.hasPrefix(directory + "/") }.count
            #expect(found >= least[directory, default: 1], "\(found) in \(directory):\n\(listing)")
        }
        for command in commands {
            do {
                _ = try Triage.parseAsRoot(ManifestCommands.asFirstShard(command.arguments))
            } catch {
                Issue.record(
                    "\(command.location): triage \(command.arguments.joined(separator: " ")): \(Triage.message(for: error))"
                )
            }
        }
    }

    /// The extraction itself, on lines shaped like those of the definitions.
    @Test func commandLinesAreFoundAndSplitAsAShellWould() {
        let text = """
            # triage apply --not-a-command (a comment)
            ExecStart=/usr/local/bin/triage apply --inbox /srv/triage/inbox --keep 30
            0 2 * * * triage cd /srv/triage && triage apply --inbox /srv/in >>/srv/log 2>&1; s=$?
                triage validate "${files[@]}" --junit out/junit.xml || status=$?
              triage apply --inbox /inbox --region "$SECURITYHUB_REGION" \\
                --metrics '/inbox/a b.prom' &
            echo triage is not run here; exec triage report "$@" --report=-
                    name: triage validate
            Description: triage apply --inbox on AWS Batch
            """
        let found = ManifestCommands.commands(in: text, file: "x")
        #expect(
            found.map(\.arguments) == [
                ["apply", "--inbox", "/srv/triage/inbox", "--keep", "30"],
                ["apply", "--inbox", "/srv/in"],
                ["validate", "decisions/example.ndjson.gz", "--junit", "out/junit.xml"],
                ["apply", "--inbox", "/inbox", "--region", "us-east-1", "--metrics", "/inbox/a b.prom"],
                ["report", "decisions/example.ndjson.gz", "--report=-"],
            ])
        #expect(found.map(\.location) == ["x:2", "x:3", "x:4", "x:5", "x:7"])
    }
}

/// Finds the triage command lines in the job definitions. The convention the definitions keep: a
/// triage invocation is a shell command whose first word is `triage` (or a path ending in
/// `/triage`) followed by a subcommand, in command position: first on its line (after a YAML list's
/// `- ` or an `exec`), or after `;`, `&`, `|`, `(` or `=` (`ExecStart=`). It is on one line or
/// continued with backslashes, and ends at the first unquoted `;`, `&`, `|`, `>`, `<`, `)` or the
/// end of the line. Comment lines are skipped; prose such as `name: triage validate` is not a command.
enum ManifestCommands {
    struct Command {
        /// `FILE:LINE` of the invocation's first line.
        var location: String
        /// The arguments after `triage`, the subcommand first.
        var arguments: [String]
    }

    /// `--shards N` (or `auto`) as the scheduler's first shard runs it: `--shard 0/N` (`auto`: 4).
    /// Parsing `--shards` reads the index from the scheduler's environment (`JOB_COMPLETION_INDEX`,
    /// `AWS_BATCH_JOB_ARRAY_INDEX`), which the test process has not, and must not set: other
    /// tests parse `--shards` without it.
    static func asFirstShard(_ arguments: [String]) -> [String] {
        guard let index = arguments.firstIndex(of: "--shards"), index + 1 < arguments.count else { return arguments }
        let count = arguments[index + 1] == "auto" ? "4" : arguments[index + 1]
        var shard = arguments
        shard.replaceSubrange(index...(index + 1), with: ["--shard", "0/\(count)"])
        return shard
    }

    static let directories = ["jobs/kubernetes", "jobs/aws-batch", "jobs/ci", "jobs/systemd", "jobs/cron"]
    static let subcommands = ["apply", "validate", "import", "export", "report", "generate", "serve"]

    /// Every command in the files under `directories`.
    static func all(under root: URL) throws -> [Command] {
        var commands: [Command] = []
        for directory in directories {
            let base = root.appendingPathComponent(directory)
            let names = try FileManager.default.subpathsOfDirectory(atPath: base.path).sorted()
            for name in names {
                let url = base.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else { continue }
                let text = try String(contentsOf: url, encoding: .utf8)
                commands += self.commands(in: text, file: "\(directory)/\(name)")
            }
        }
        return commands
    }

    /// The commands in one file's text.
    static func commands(in text: String, file: String) -> [Command] {
        var commands: [Command] = []
        let lines = text.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let first = index
            var logical = lines[index]
            // Backslash-newline continues the line, as in a shell.
            while logical.hasSuffix("\\"), index + 1 < lines.count {
                logical.removeLast()
                index += 1
                logical += " " + lines[index].trimmingCharacters(in: .whitespaces)
            }
            index += 1
            if logical.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
            for start in invocationStarts(in: logical) {
                let words = shellWords(String(logical[start...]))
                commands.append(Command(location: "\(file):\(first + 1)", arguments: Array(words.dropFirst())))
            }
        }
        return commands
    }

    /// Where `triage SUBCOMMAND` starts a command, the word being `triage` or a path ending in
    /// `/triage`, in command position (see the type's documentation).
    static func invocationStarts(in line: String) -> [String.Index] {
        var starts: [String.Index] = []
        var position = line.startIndex
        while let range = line.range(of: "triage", range: position..<line.endIndex) {
            position = range.upperBound
            // The word's start: back over a path (`/usr/local/bin/`).
            var wordStart = range.lowerBound
            while wordStart > line.startIndex, !isBoundary(line[line.index(before: wordStart)]) {
                wordStart = line.index(before: wordStart)
            }
            let prefix = line[wordStart..<range.lowerBound]
            guard prefix.isEmpty || (prefix.hasPrefix("/") && prefix.hasSuffix("/")) else { continue }
            let rest = line[range.upperBound...]
            guard rest.first == " " || rest.first == "\t" else { continue }
            let next = rest.drop { $0 == " " || $0 == "\t" }.prefix { !($0 == " " || $0 == "\t") }
            if subcommands.contains(String(next)), isCommandPosition(line[..<wordStart]) { starts.append(wordStart) }
        }
        return starts
    }

    /// Whether a command may start after `before`: nothing but blanks, a YAML `- ` or `exec`, or a
    /// shell operator or `=` last.
    private static func isCommandPosition(_ before: Substring) -> Bool {
        var before = before.trimmingCharacters(in: .whitespaces)[...]
        if before.hasSuffix("exec"), before.dropLast(4).last.map(isBoundary) ?? true {
            before = before.dropLast(4).trimmingCharacters(in: .whitespaces)[...]
        }
        if before.isEmpty || before == "-" { return true }
        return ";&|(=".contains(before.last!)
    }

    private static func isBoundary(_ character: Character) -> Bool {
        character == " " || character == "\t" || ";&|(=".contains(character)
    }

    /// Splits a shell command into words up to its first unquoted operator: quotes and backslashes
    /// as in sh; `$NAME`, `${NAME}`, `"$@"` and `"${NAME[@]}"` become plausible values.
    static func shellWords(_ command: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = Array(command)[...]
        func finishWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func expandVariable() {
            // After a `$`: a name, `{...}`, or `@`.
            var name = ""
            if characters.first == "{" {
                characters.removeFirst()
                while let character = characters.first, character != "}" {
                    name.append(character)
                    characters.removeFirst()
                }
                if !characters.isEmpty { characters.removeFirst() }
            } else if characters.first == "@" {
                name = "@"
                characters.removeFirst()
            } else {
                while let character = characters.first, character.isLetter || character.isNumber || character == "_" {
                    name.append(character)
                    characters.removeFirst()
                }
            }
            word += placeholder(for: name)
            inWord = true
        }
        loop: while let character = characters.popFirst() {
            switch character {
            case " ", "\t":
                finishWord()
            case ";", "&", "|", ">", "<", ")":
                break loop
            case "#" where !inWord:
                break loop
            case "\\":
                if let next = characters.popFirst() { word.append(next) }
                inWord = true
            case "'":
                while let next = characters.popFirst(), next != "'" { word.append(next) }
                inWord = true
            case "\"":
                while let next = characters.popFirst(), next != "\"" {
                    if next == "\\", let escaped = characters.first, "$`\"\\".contains(escaped) {
                        word.append(escaped)
                        characters.removeFirst()
                    } else if next == "$" {
                        expandVariable()
                    } else {
                        word.append(next)
                    }
                }
                inWord = true
            case "$":
                expandVariable()
            default:
                word.append(character)
                inWord = true
            }
        }
        finishWord()
        return words
    }

    /// A value of the kind the variable holds: decision files, a Region, else a word.
    static func placeholder(for name: String) -> String {
        let base = name.split(separator: "[").first.map(String.init) ?? name
        if base == "@" || base.lowercased().contains("file") { return "decisions/example.ndjson.gz" }
        if base.uppercased().contains("REGION") { return "us-east-1" }
        // A shard count (`--shards "$SHARDS"`).
        if base.uppercased().hasSuffix("SHARDS") { return "4" }
        return "value"
    }
}
