import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `triage apply --inbox DIR` with the real binary: files taken in name order and moved on once
/// applied, interrupted nights resumed by the next, a second run refused, changed files set aside,
/// old files pruned.
@Suite(.serialized) struct InboxTests {
    /// Generated once for the suite: 3,000 findings imported into a store, and 20,000 decisions over
    /// them (slow enough to stop in the middle with --batch-size 5 --concurrency 1).
    struct World {
        let directory: URL
        let store: String
        let decisions: String
        let more: String

        static let shared: Result<World, any Error> = Result { try World() }

        private init() throws {
            directory = TestPaths.temporaryDirectory("inbox-world")
            let findings = directory.appendingPathComponent("findings.ndjson").path
            decisions = directory.appendingPathComponent("decisions.ndjson.gz").path
            more = directory.appendingPathComponent("more.ndjson").path
            store = directory.appendingPathComponent("pristine.sqlite").path
            let generated = try CommandRun.triage([
                "generate", "--findings", "3000", "--findings-output", findings, "--decisions", "20000",
                "--decisions-output", decisions, "--gzip-level", "1",
            ])
            try #require(generated.status == 0, "\(generated.stderr)")
            let second = try CommandRun.triage([
                "generate", "--findings", "3000", "--findings-output", "/dev/null", "--decisions", "500",
                "--decisions-output", more, "--seed", "9",
            ])
            try #require(second.status == 0, "\(second.stderr)")
            let imported = try CommandRun.triage(["import", findings, "--store", store])
            try #require(imported.status == 0, "\(imported.stderr)")
        }

        /// A copy of the store for one run.
        func copyOfStore(in directory: URL, _ name: String = "findings") throws -> String {
            let path = directory.appendingPathComponent("\(name).sqlite").path
            try FileManager.default.copyItem(atPath: store, toPath: path)
            return path
        }
    }

    /// An inbox folder with `incoming/`, in a temporary directory.
    struct Box {
        let directory: URL
        let root: URL

        init(_ label: String) throws {
            directory = TestPaths.temporaryDirectory(label)
            root = directory.appendingPathComponent("inbox")
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("incoming"), withIntermediateDirectories: true)
        }

        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

        func names(_ folder: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: path(folder))) ?? []).sorted()
        }

        func drop(_ source: String, as name: String) throws {
            try FileManager.default.copyItem(atPath: source, toPath: path("incoming/" + name))
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func apply(_ box: Box, store: String, _ extra: [String] = []) throws -> CommandRun {
        try CommandRun.triage(["apply", "--inbox", box.root.path, "--store", store, "--quiet"] + extra)
    }

    @Test func anEmptyInboxIsExitZeroWithOneLine() throws {
        let box = try Box("inbox-empty")
        defer { box.remove() }
        let world = try World.shared.get()
        let run = try Self.apply(box, store: try world.copyOfStore(in: box.directory))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "triage apply --inbox: inbox \(box.root.path): nothing to apply\n")
        for folder in ["incoming", "active", "state", "reports", "done", "failed"] {
            #expect(FileManager.default.fileExists(atPath: box.path(folder)), "\(folder)/ was not created")
        }
    }

    /// Ready files are taken in name order, applied as one run, and moved to done/ with the
    /// reports in place; partial uploads (`.part`) and hidden files wait in incoming/.
    @Test func takesReadyFilesInNameOrderAndMovesThemToDone() throws {
        let box = try Box("inbox-order")
        defer { box.remove() }
        let world = try World.shared.get()
        let store = try world.copyOfStore(in: box.directory)
        let samples = TestPaths.packageRoot.appendingPathComponent("samples")
        try box.drop(samples.appendingPathComponent("decisions.csv").path, as: "b.csv")
        try box.drop(world.more, as: "a.ndjson")
        try box.drop(world.more, as: "c.ndjson.part")
        try box.drop(world.more, as: ".d.ndjson")
        let run = try Self.apply(box, store: store)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(box.names("done") == ["a.ndjson", "b.csv"])
        #expect(box.names("incoming") == [".d.ndjson", "c.ndjson.part"])
        #expect(box.names("active").isEmpty)
        let reports = box.names("reports")
        #expect(reports.count == 2 && reports.contains { $0.hasSuffix(".junit.xml") }, "\(reports)")
        let json = try #require(reports.first { $0.hasSuffix(".json") })
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: box.path("reports/" + json))))
        let summary = try #require((report as? [String: Any])?["summary"] as? [String: Any])
        #expect(summary["inputs"] as? [String] == [box.path("active/a.ndjson"), box.path("active/b.csv")])
        #expect(summary["records"] as? Int == 500 + 300)  // samples/decisions.csv holds 300 records
        #expect(run.stderr.contains("2 new file(s) taken; 2 file(s) moved to done/"), "\(run.stderr)")
    }

    /// An interrupted night (SIGTERM, or kill -9) leaves its file in active/; the next night
    /// resumes it first, takes the new file, and ends with the store of applying both files once.
    @Test(arguments: [SIGTERM, SIGKILL])
    func anInterruptedNightIsResumedByTheNext(signal: Int32) throws {
        let box = try Box("inbox-resume")
        defer { box.remove() }
        let world = try World.shared.get()
        let store = try world.copyOfStore(in: box.directory)
        try box.drop(world.decisions, as: "night1.ndjson.gz")
        let slow = ["--batch-size", "5", "--concurrency", "1", "--sort-window", "0"]
        let process = try Process.start(
            ["apply", "--inbox", box.root.path, "--store", store] + slow,
            stdout: box.directory.appendingPathComponent("n1.out"),
            stderr: box.directory.appendingPathComponent("n1.err"))
        // Wait for the run to have journaled batches, then interrupt it.
        try Self.waitUntil { Self.size(box.path("state/journal")) > 20_000 || !process.isRunning }
        try #require(process.isRunning, "the first night ended before it could be interrupted")
        kill(process.processIdentifier, signal)
        let status = process.waitForExit(seconds: 60)
        #expect(status == (signal == SIGTERM ? 3 : 128 + SIGKILL))
        #expect(box.names("active") == ["night1.ndjson.gz"])
        #expect(box.names("done").isEmpty)

        // The next night as the nightly job runs it (the first one was slowed down to be stopped
        // in the middle).
        try box.drop(world.more, as: "night2.ndjson")
        let second = try Self.apply(box, store: store)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("resuming the interrupted run"), "\(second.stderr)")
        #expect(box.names("done") == ["night1.ndjson.gz", "night2.ndjson"])
        #expect(box.names("active").isEmpty)

        // The reference: both files applied once, in one run.
        let reference = try world.copyOfStore(in: box.directory, "reference")
        let plain = try CommandRun.triage(
            ["apply", box.path("done/night1.ndjson.gz"), box.path("done/night2.ndjson"), "--store", reference])
        #expect(plain.status == 1, "\(plain.stderr)")
        #expect(try Self.export(store) == Self.export(reference))
    }

    /// A second run while one holds the inbox exits 2 at once, naming the holder's PID, and takes
    /// nothing.
    @Test func aSecondRunIsRefusedNamingTheHolder() throws {
        let box = try Box("inbox-lock")
        defer { box.remove() }
        let world = try World.shared.get()
        let store = try world.copyOfStore(in: box.directory)
        try box.drop(world.decisions, as: "night1.ndjson.gz")
        let process = try Process.start(
            ["apply", "--inbox", box.root.path, "--store", store, "--batch-size", "5", "--concurrency", "1"],
            stdout: box.directory.appendingPathComponent("n1.out"),
            stderr: box.directory.appendingPathComponent("n1.err"))
        defer {
            kill(process.processIdentifier, SIGKILL)
            _ = process.waitForExit(seconds: 30)
        }
        try Self.waitUntil { box.names("active") == ["night1.ndjson.gz"] || !process.isRunning }
        try box.drop(world.more, as: "night2.ndjson")
        let second = try Self.apply(box, store: store)
        #expect(second.status == 2, "\(second.stderr)")
        #expect(second.stderr.contains("in use by another triage run (PID \(process.processIdentifier))"))
        #expect(box.names("incoming") == ["night2.ndjson"], "the refused run took a file")
    }

    /// A file of an interrupted run that changed in active/ moves to failed/ with a line saying why;
    /// the run goes on with the others.
    @Test func aFileChangedUnderItsJournalMovesToFailed() throws {
        let box = try Box("inbox-changed")
        defer { box.remove() }
        let world = try World.shared.get()
        let store = try world.copyOfStore(in: box.directory)
        try box.drop(world.decisions, as: "night1.ndjson.gz")
        let process = try Process.start(
            [
                "apply", "--inbox", box.root.path, "--store", store, "--batch-size", "5", "--concurrency", "1",
                "--sort-window", "0",
            ],
            stdout: box.directory.appendingPathComponent("n1.out"),
            stderr: box.directory.appendingPathComponent("n1.err"))
        try Self.waitUntil { Self.size(box.path("state/journal")) > 20_000 || !process.isRunning }
        kill(process.processIdentifier, SIGKILL)
        _ = process.waitForExit(seconds: 30)
        try #require(box.names("active") == ["night1.ndjson.gz"])
        // Someone replaces the file under the interrupted run.
        try FileManager.default.removeItem(atPath: box.path("active/night1.ndjson.gz"))
        try FileManager.default.copyItem(atPath: world.more, toPath: box.path("active/night1.ndjson.gz"))
        try box.drop(world.more, as: "night2.ndjson")

        let next = try Self.apply(box, store: store)
        #expect(next.status == 1, "\(next.stderr)")
        #expect(box.names("failed") == ["night1.ndjson.gz", "night1.ndjson.gz.why"])
        let why = try String(contentsOfFile: box.path("failed/night1.ndjson.gz.why"), encoding: .utf8)
        #expect(why.contains("changed"), "\(why)")
        #expect(box.names("done") == ["night2.ndjson"])
        #expect(next.stderr.contains("moved to failed/"), "\(next.stderr)")
    }

    /// `--keep N` removes files of done/ and reports/ older than N days; 0 keeps everything.
    @Test func keepPrunesOldFilesOfDoneAndReports() throws {
        let box = try Box("inbox-keep")
        defer { box.remove() }
        let world = try World.shared.get()
        let store = try world.copyOfStore(in: box.directory)
        _ = try Self.apply(box, store: store)  // creates the folders
        for name in ["done/old.ndjson", "done/new.ndjson", "reports/old.json", "reports/new.json", "failed/old.csv"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: box.path(name)))
        }
        let old = Date().addingTimeInterval(-10 * 86_400)
        for name in ["done/old.ndjson", "reports/old.json", "failed/old.csv"] {
            try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: box.path(name))
        }
        let keepAll = try Self.apply(box, store: store, ["--keep", "0"])
        #expect(keepAll.status == 0)
        #expect(box.names("done") == ["new.ndjson", "old.ndjson"])
        let pruned = try Self.apply(box, store: store, ["--keep", "7"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(box.names("done") == ["new.ndjson"])
        #expect(box.names("reports") == ["new.json"])
        #expect(box.names("failed") == ["old.csv"], "failed/ is for a person to look at, never pruned")
    }

    @Test(arguments: [["x.ndjson"], ["--report", "r.json"], ["--journal", "j"], ["--resume"], ["--keep", "-1"]])
    func refusesWhatTheInboxDecidesItself(arguments: [String]) throws {
        let box = try Box("inbox-usage")
        defer { box.remove() }
        let run = try CommandRun.triage(["apply", "--inbox", box.root.path] + arguments)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(box.names("").count == 1, "a refused run created folders")
    }

    // MARK: Helpers

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Waits for `condition` (polled every 20 ms), failing after 120 s.
    static func waitUntil(_ condition: () -> Bool) throws {
        let held = ProcessProbe.waitUntil(interval: 0.02, condition)
        try #require(held, "timed out")
    }

    /// The store's findings, each `Note.UpdatedAt` masked: a batch applied but not yet journaled
    /// when the run was killed is applied again, which stamps its note again.
    static func export(_ store: String) throws -> [String] {
        let run = try CommandRun.triage(["export", "--store", store])
        try #require(run.status == 0, "\(run.stderr)")
        return try run.stdout.split(separator: "\n").map { line in
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if var note = object["Note"] as? [String: Any] {
                note["UpdatedAt"] = "masked"
                object["Note"] = note
            }
            return String(
                decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
    }
}
