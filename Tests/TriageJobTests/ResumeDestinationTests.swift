import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `--resume` continues an interrupted run only against the store its journal was written for
/// (issue 22, point 2): the journal's records are done there and nowhere else, so resuming against
/// another store would report as processed records that never reached it. A refused run exits 2
/// naming the journal, both destinations and what differs, and touches neither the store nor the
/// journal; the same store resumes, also through a symbolic link; a journal written before
/// destinations were recorded is judged by its header's target name; the inbox refuses the same.
///
/// Every journal here is a real interrupted run's: SIGTERM once batches are journaled (exit 3).
/// The runs under test use ``TriageUnderTest/binary``.
@Suite(.serialized) struct ResumeDestinationTests {
    /// Generated once: 3,000 findings imported into a store, 20,000 decisions over them (about
    /// 20 s with `--batch-size 5 --concurrency 1`, so a run is stopped well before its end).
    struct World {
        let directory: URL
        let pristine: String
        let decisions: String

        static let shared: Result<World, any Error> = Result { try World() }

        private init() throws {
            directory = TestPaths.temporaryDirectory("resume-destination-world")
            let findings = directory.appendingPathComponent("findings.ndjson").path
            decisions = directory.appendingPathComponent("decisions.ndjson").path
            pristine = directory.appendingPathComponent("pristine.sqlite").path
            let generated = try CommandRun.triage([
                "generate", "--findings", "3000", "--findings-output", findings, "--decisions", "20000",
                "--decisions-output", decisions,
            ])
            try #require(generated.status == 0, "\(generated.stderr)")
            let imported = try CommandRun.triage(["import", findings, "--store", pristine])
            try #require(imported.status == 0, "\(imported.stderr)")
        }

        /// A copy of the pristine store in `directory`, named `name.sqlite`.
        func store(_ name: String, in directory: URL) throws -> String {
            let path = directory.appendingPathComponent("\(name).sqlite").path
            try FileManager.default.copyItem(atPath: pristine, toPath: path)
            return path
        }
    }

    /// Arguments that make a run slow enough to stop in the middle.
    static let slow = ["--batch-size", "5", "--concurrency", "1", "--sort-window", "0"]

    /// Runs the binary under test to its end (killed after 120 s).
    static func triage(_ arguments: [String], in directory: URL) throws -> CommandRun {
        let name = UUID().uuidString
        let out = directory.appendingPathComponent("out-\(name)")
        let err = directory.appendingPathComponent("err-\(name)")
        let process = try Process.start(
            arguments, stdout: out, stderr: err, executable: TriageUnderTest.binary, directory: directory)
        let status = process.waitForExit(seconds: 120)
        return CommandRun(
            status: status ?? 128 + SIGKILL, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Starts `arguments` (a run journaling to `journal`), waits until 20 batches are journaled and
    /// stops it with SIGTERM: the journal of an interrupted run (exit status 3).
    static func interrupt(_ arguments: [String], journal: String, in directory: URL) throws {
        let process = try Process.start(
            arguments, stdout: directory.appendingPathComponent("interrupted.out"),
            stderr: directory.appendingPathComponent("interrupted.err"), executable: TriageUnderTest.binary,
            directory: directory)
        try InboxTests.waitUntil { ResumeJournalFile.count("batch", in: journal) >= 20 || !process.isRunning }
        try #require(process.isRunning, "the run ended before it could be stopped")
        kill(process.processIdentifier, SIGTERM)
        #expect(process.waitForExit(seconds: 60) == 3)
    }

    /// An interrupted run of the world's decisions against `store`, journaled to `journal`.
    static func interruptedRun(store: String, journal: String, in directory: URL) throws {
        let world = try World.shared.get()
        try interrupt(
            ["apply", world.decisions, "--store", store, "--journal", journal, "--resume"] + slow, journal: journal,
            in: directory)
    }

    /// The arguments of a `--resume` run of the world's decisions against `store`.
    static func resume(store: String, journal: String, report: String) throws -> [String] {
        let world = try World.shared.get()
        return ["apply", world.decisions, "--store", store, "--journal", journal, "--resume", "--report", report]
    }

    /// The store's findings, each `Note.UpdatedAt` (stamped when a note is applied) masked.
    static func export(_ store: String) throws -> [String] {
        try InboxTests.export(store)
    }

    /// The store after one uninterrupted run of the world's decisions, made once for the suite.
    static let referenceOnce: Result<[String], any Error> = Result {
        let directory = TestPaths.temporaryDirectory("resume-destination-reference")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try makeReference(in: directory, times: 1)
    }

    /// The store after one uninterrupted run of the world's decisions (`times` times over, as
    /// one run over that many copies of the file).
    static func reference(in directory: URL, times: Int = 1) throws -> [String] {
        if times == 1 { return try referenceOnce.get() }
        return try makeReference(in: directory, times: times)
    }

    /// ``reference(in:times:)`` made now, in `directory`.
    private static func makeReference(in directory: URL, times: Int) throws -> [String] {
        let world = try World.shared.get()
        let store = try world.store("reference", in: directory)
        let inputs = Array(repeating: world.decisions, count: times)
        let run = try CommandRun.triage(["apply"] + inputs + ["--store", store])
        try #require(run.status == 0, "\(run.stderr)")
        return try export(store)
    }

    /// A report's summary.
    static func summary(_ report: String) throws -> [String: Any] {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        return try #require(object["summary"] as? [String: Any])
    }

    /// Checks that `run` was refused as a run against `other` of a journal written for `store`,
    /// and that neither `other` nor the journal changed.
    static func expectRefused(
        _ run: CommandRun, journal: String, journalBefore: Data, written store: String, other: String,
        differs: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(run.status == 2, "\(run.stderr)", sourceLocation: sourceLocation)
        let expected =
            "cannot resume: the journal \(journal) was written for the store \(TriageUnderTest.resolved(store)), "
            + "this run targets the store \(TriageUnderTest.resolved(other)) (\(differs) differs)"
        #expect(run.stderr.contains(expected), "\(run.stderr)", sourceLocation: sourceLocation)
        // Compared first: a failed #expect on two large collections would compute their difference.
        let journalKept = ResumeJournalFile.bytes(journal) == journalBefore
        #expect(journalKept, "the refused run wrote to the journal", sourceLocation: sourceLocation)
        let storeKept = try export(other) == export(World.shared.get().pristine)
        #expect(storeKept, "the refused run applied decisions", sourceLocation: sourceLocation)
    }

    /// Another store is refused (the journal's records are done in the first one only); the
    /// journal's own store then resumes to the store and report of an uninterrupted run.
    @Test func aJournalOfAnotherStoreIsRefused() throws {
        let directory = TestPaths.temporaryDirectory("resume-other-store")
        defer { try? FileManager.default.removeItem(at: directory) }
        let world = try World.shared.get()
        let storeA = try world.store("a", in: directory)
        let storeB = try world.store("b", in: directory)
        let journal = directory.appendingPathComponent("run.journal").path
        let report = directory.appendingPathComponent("report.json").path
        try Self.interruptedRun(store: storeA, journal: journal, in: directory)
        let before = ResumeJournalFile.bytes(journal)

        let refused = try Self.triage(Self.resume(store: storeB, journal: journal, report: report), in: directory)
        try Self.expectRefused(
            refused, journal: journal, journalBefore: before, written: storeA, other: storeB, differs: "the store")
        #expect(refused.stderr.contains("without --resume to start afresh"), "\(refused.stderr)")

        let resumed = try Self.triage(Self.resume(store: storeA, journal: journal, report: report), in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let summary = try Self.summary(report)
        #expect(summary["records"] as? Int == 20_000)
        #expect(summary["processed"] as? Int == 20_000)
        #expect(summary["remaining"] as? Int == 0)
        let asReference = try Self.export(storeA) == Self.reference(in: directory)
        #expect(asReference, "the resumed store differs from an uninterrupted run's")
    }

    /// The store through a symbolic link is the same store (paths are resolved): it resumes.
    @Test func aSymbolicLinkToTheStoreResumes() throws {
        let directory = TestPaths.temporaryDirectory("resume-store-link")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try World.shared.get().store("a", in: directory)
        let link = directory.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store)
        let journal = directory.appendingPathComponent("run.journal").path
        let report = directory.appendingPathComponent("report.json").path
        try Self.interruptedRun(store: store, journal: journal, in: directory)

        let resumed = try Self.triage(Self.resume(store: link, journal: journal, report: report), in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let summary = try Self.summary(report)
        #expect(summary["records"] as? Int == 20_000)
        #expect(summary["remaining"] as? Int == 0)
        let asReference = try Self.export(store) == Self.reference(in: directory)
        #expect(asReference, "the resumed store differs from an uninterrupted run's")
    }

    /// A journal written before destinations were recorded (its header names only the target,
    /// `store:PATH`) is judged by that name: another store is refused, the same one resumes.
    @Test func aJournalWithoutDestinationIsJudgedByItsTargetName() throws {
        let directory = TestPaths.temporaryDirectory("resume-old-journal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let world = try World.shared.get()
        let storeA = try world.store("a", in: directory)
        let storeB = try world.store("b", in: directory)
        let journal = directory.appendingPathComponent("run.journal").path
        let report = directory.appendingPathComponent("report.json").path
        try Self.interruptedRun(store: storeA, journal: journal, in: directory)
        try ResumeJournalFile.removeDestinations(journal)
        let before = ResumeJournalFile.bytes(journal)
        #expect(!String(decoding: before, as: UTF8.self).contains(#""destination":"#))

        let refused = try Self.triage(Self.resume(store: storeB, journal: journal, report: report), in: directory)
        try Self.expectRefused(
            refused, journal: journal, journalBefore: before, written: storeA, other: storeB, differs: "the store")

        let resumed = try Self.triage(Self.resume(store: storeA, journal: journal, report: report), in: directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.summary(report)["remaining"] as? Int == 0)
        let asReference = try Self.export(storeA) == Self.reference(in: directory)
        #expect(asReference, "the resumed store differs from an uninterrupted run's")
    }

    /// The inbox resumes its interrupted run by itself: with another store it refuses before
    /// taking anything (exit 2, the new file left in incoming/, the store untouched); with the
    /// journal's store it finishes both nights.
    @Test func theInboxRefusesAJournalOfAnotherStore() throws {
        let box = try InboxTests.Box("resume-destination-inbox")
        defer { box.remove() }
        let world = try World.shared.get()
        let storeA = try world.store("a", in: box.directory)
        let storeB = try world.store("b", in: box.directory)
        try box.drop(world.decisions, as: "night1.ndjson")
        let journal = box.path("state/journal")
        try Self.interrupt(
            ["apply", "--inbox", box.root.path, "--store", storeA] + Self.slow, journal: journal, in: box.directory)
        #expect(box.names("active") == ["night1.ndjson"])
        try box.drop(world.decisions, as: "night2.ndjson")
        let before = ResumeJournalFile.bytes(journal)

        let refused = try Self.triage(["apply", "--inbox", box.root.path, "--store", storeB], in: box.directory)
        try Self.expectRefused(
            refused, journal: journal, journalBefore: before, written: storeA, other: storeB, differs: "the store")
        #expect(refused.stderr.contains("this run took nothing"), "\(refused.stderr)")
        #expect(box.names("incoming") == ["night2.ndjson"])
        #expect(box.names("active") == ["night1.ndjson"])

        let resumed = try Self.triage(["apply", "--inbox", box.root.path, "--store", storeA], in: box.directory)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(box.names("done") == ["night1.ndjson", "night2.ndjson"])
        let asReference = try Self.export(storeA) == Self.reference(in: box.directory, times: 2)
        #expect(asReference, "the resumed store differs from an uninterrupted run's")
    }
}
