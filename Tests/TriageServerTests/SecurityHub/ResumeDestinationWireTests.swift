import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `--resume` against `triage serve` continues an interrupted run only where its journal says the
/// run sent its decisions (issue 22, point 2: a resume against another endpoint reported 59,087
/// records processed where about 13,600 never arrived). Another endpoint, another Region
/// override (`--region`) or another target is refused with exit status 2, naming the journal,
/// both destinations and what differs, before anything is sent or journaled; the journal's own
/// destination then resumes to the outcome of an uninterrupted run. A journal written before
/// destinations were recorded is judged by its target name (`securityhub:ENDPOINT`).
///
/// Every journal is a real interrupted run's: paced (`--rate 2`) and stopped with SIGTERM once
/// batches are journaled. The runs under test use ``TriageUnderTest/binary``.
@Suite(.serialized) struct ResumeDestinationWireTests {

    /// `apply --target securityhub` of the fixture's decisions against `server`.
    static func remote(_ server: ServeProcess, _ fixture: WireFixture, _ arguments: [String]) -> [String] {
        ["apply", "--target", "securityhub", "--endpoint-url", endpoint(server), fixture.decisions] + arguments
    }

    /// The endpoint URL of `server`, as messages name it.
    static func endpoint(_ server: ServeProcess) -> String { "http://127.0.0.1:\(server.port)" }

    /// Starts `arguments`, waits until 4 batches are journaled in `journal`, stops the run with
    /// SIGTERM (exit status 3): the journal of an interrupted run.
    static func interrupt(_ arguments: [String], journal: String, _ fixture: WireFixture) throws {
        let process = try Process.start(
            arguments, stdout: fixture.directory.appendingPathComponent("interrupted.out"),
            stderr: fixture.directory.appendingPathComponent("interrupted.err"), executable: TriageUnderTest.binary,
            environment: fixture.environment())
        let deadline = Date().addingTimeInterval(120)
        while ResumeJournalFile.count("batch", in: journal) < 4 && process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        try #require(process.isRunning, "the run ended before it could be stopped")
        kill(process.processIdentifier, SIGTERM)
        #expect(process.waitForExit(seconds: 60) == 3)
    }

    /// Paced: 200 requests of 10 findings, 4 Regions at 2 requests/s, about 25 s to the end.
    static let paced = ["--batch-size", "10", "--rate", "2", "--burst", "1"]

    /// Checks a refused run: exit 2, the message naming the journal, both destinations and what
    /// differs, and the journal unchanged.
    static func expectRefused(
        _ run: CommandRun, journal: String, journalBefore: Data, written: String, other: String, differs: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(run.status == 2, "\(run.stderr)", sourceLocation: sourceLocation)
        let expected =
            "cannot resume: the journal \(journal) was written for \(written), this run targets \(other) (\(differs) differs)"
        #expect(run.stderr.contains(expected), "\(run.stderr)", sourceLocation: sourceLocation)
        // Compared first: a failed #expect on two large collections would compute their difference.
        let journalKept = ResumeJournalFile.bytes(journal) == journalBefore
        #expect(journalKept, "the refused run wrote to the journal", sourceLocation: sourceLocation)
    }

    /// Another endpoint (another server), a Region override the interrupted run did not have, and
    /// the store target are each refused, nothing sent; the journal's endpoint then resumes to
    /// the outcome and the store of one uninterrupted run.
    @Test func anotherEndpointRegionOrTargetIsRefused() throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 2_000, label: "resume-destination")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let serverX = try ServeProcess(config: ServeProcess.wireConfig(), store: try fixture.copyOfStore("x"))
        defer { serverX.stop() }
        let storeY = try fixture.copyOfStore("y")
        let serverY = try ServeProcess(config: ServeProcess.wireConfig(), store: storeY)
        defer { serverY.stop() }
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let report = fixture.directory.appendingPathComponent("report.json").path
        let resume = ["--journal", journal, "--resume", "--report", report]
        try Self.interrupt(Self.remote(serverX, fixture, resume + Self.paced), journal: journal, fixture)
        let before = ResumeJournalFile.bytes(journal)
        let sentToX = serverX.requests().count
        let x = "target securityhub at \(Self.endpoint(serverX))"

        let otherEndpoint = try fixture.runUnderTest(Self.remote(serverY, fixture, resume))
        Self.expectRefused(
            otherEndpoint, journal: journal, journalBefore: before, written: x,
            other: "target securityhub at \(Self.endpoint(serverY))", differs: "the endpoint")
        #expect(otherEndpoint.stderr.contains("without --resume to start afresh"), "\(otherEndpoint.stderr)")
        #expect(serverY.requests().isEmpty, "the refused run sent \(serverY.requests().count) requests")
        let storeYKept = try WireFixture.maskedExport(storeY) == WireFixture.maskedExport(fixture.pristineStore)
        #expect(storeYKept, "the refused run applied decisions")

        let otherRegion = try fixture.runUnderTest(Self.remote(serverX, fixture, resume + ["--region", "eu-west-1"]))
        Self.expectRefused(
            otherRegion, journal: journal, journalBefore: before, written: x, other: x + " with --region eu-west-1",
            differs: "the Region override (--region)")

        let store = try fixture.copyOfStore("store")
        let otherTarget = try fixture.runUnderTest(["apply", fixture.decisions, "--store", store] + resume)
        Self.expectRefused(
            otherTarget, journal: journal, journalBefore: before, written: x,
            other: "the store \(TriageUnderTest.resolved(store))", differs: "the target")
        let storeKept = try WireFixture.maskedExport(store) == WireFixture.maskedExport(fixture.pristineStore)
        #expect(storeKept, "the refused run applied decisions")
        #expect(serverX.requests().count == sentToX, "a refused run sent requests")

        let resumed = try fixture.runUnderTest(Self.remote(serverX, fixture, resume))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["records"] as? Int == 2_000)
        #expect(summary["processed"] as? Int == 2_000)
        #expect(summary["remaining"] as? Int == 0)
        let reference = try fixture.referenceRun()
        let sameOutcomes = try WireFixture.outcomes(report) == WireFixture.outcomes(reference.report)
        #expect(sameOutcomes, "the resumed run's outcomes differ from an uninterrupted run's")
        let sameStore = try WireFixture.maskedExport(serverX.storePath) == WireFixture.maskedExport(reference.store)
        #expect(sameStore, "the resumed store differs from an uninterrupted run's")
    }

    /// An interrupted run with `--region us-east-1` is not resumed without it (every finding would
    /// go to its own Region instead), and is resumed with it.
    @Test func aRegionOverrideIsPartOfTheDestination() throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 2_000, label: "resume-destination-region")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let server = try ServeProcess(config: ServeProcess.wireConfig(), store: try fixture.copyOfStore("x"))
        defer { server.stop() }
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let report = fixture.directory.appendingPathComponent("report.json").path
        let resume = ["--journal", journal, "--resume", "--report", report]
        let region = ["--region", "us-east-1"]
        try Self.interrupt(Self.remote(server, fixture, resume + region + Self.paced), journal: journal, fixture)
        let before = ResumeJournalFile.bytes(journal)
        let sent = server.requests().count
        let x = "target securityhub at \(Self.endpoint(server))"

        let withoutRegion = try fixture.runUnderTest(Self.remote(server, fixture, resume))
        Self.expectRefused(
            withoutRegion, journal: journal, journalBefore: before, written: x + " with --region us-east-1", other: x,
            differs: "the Region override (--region)")
        #expect(server.requests().count == sent, "the refused run sent requests")

        let resumed = try fixture.runUnderTest(Self.remote(server, fixture, resume + region))
        // Findings of other Regions are not found in us-east-1: exit status 1, every record decided.
        #expect(resumed.status == 0 || resumed.status == 1, "\(resumed.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["records"] as? Int == 2_000)
        #expect(summary["remaining"] as? Int == 0)
    }

    /// A store run's journal is not resumed against Security Hub: nothing is sent.
    @Test func aStoreJournalIsRefusedBySecurityHub() throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 2_000, label: "resume-destination-store")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let server = try ServeProcess(config: ServeProcess.wireConfig(), store: try fixture.copyOfStore("x"))
        defer { server.stop() }
        let store = try fixture.copyOfStore("store")
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let resume = ["--journal", journal, "--resume"]
        try Self.interrupt(
            ["apply", fixture.decisions, "--store", store, "--batch-size", "1", "--concurrency", "1"] + resume,
            journal: journal, fixture)
        let before = ResumeJournalFile.bytes(journal)

        let refused = try fixture.runUnderTest(Self.remote(server, fixture, resume))
        Self.expectRefused(
            refused, journal: journal, journalBefore: before, written: "the store \(TriageUnderTest.resolved(store))",
            other: "target securityhub at \(Self.endpoint(server))", differs: "the target")
        #expect(server.requests().isEmpty, "the refused run sent \(server.requests().count) requests")
    }

    /// A journal written before destinations were recorded names the endpoint only in its target
    /// (`securityhub:ENDPOINT`): another endpoint is refused by it, the same one resumes.
    @Test func aJournalWithoutDestinationIsJudgedByItsEndpoint() throws {
        let fixture = try WireFixture(findings: 2_000, decisions: 2_000, label: "resume-destination-old")
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let serverX = try ServeProcess(config: ServeProcess.wireConfig(), store: try fixture.copyOfStore("x"))
        defer { serverX.stop() }
        let serverY = try ServeProcess(config: ServeProcess.wireConfig(), store: try fixture.copyOfStore("y"))
        defer { serverY.stop() }
        let journal = fixture.directory.appendingPathComponent("run.journal").path
        let report = fixture.directory.appendingPathComponent("report.json").path
        let resume = ["--journal", journal, "--resume", "--report", report]
        try Self.interrupt(Self.remote(serverX, fixture, resume + Self.paced), journal: journal, fixture)
        try ResumeJournalFile.removeDestinations(journal)
        let before = ResumeJournalFile.bytes(journal)
        #expect(!String(decoding: before, as: UTF8.self).contains(#""destination":"#))

        let refused = try fixture.runUnderTest(Self.remote(serverY, fixture, resume))
        Self.expectRefused(
            refused, journal: journal, journalBefore: before,
            written: "target securityhub at \(Self.endpoint(serverX))",
            other: "target securityhub at \(Self.endpoint(serverY))", differs: "the endpoint")
        #expect(serverY.requests().isEmpty, "the refused run sent \(serverY.requests().count) requests")

        let resumed = try fixture.runUnderTest(Self.remote(serverX, fixture, resume))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let summary = try WireFixture.summary(report)
        #expect(summary["processed"] as? Int == 2_000)
        #expect(summary["remaining"] as? Int == 0)
    }
}
