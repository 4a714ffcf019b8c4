import ArgumentParser
import Foundation
import TriageCore
import TriageJob

/// `triage apply --inbox DIR`: the scheduled run (``Inbox``).
extension ApplyCommand {
    /// What `--inbox` cannot go with: it names its own inputs, reports and journal.
    func validateInbox() throws {
        var clashes: [String] = []
        if !options.inputs.isEmpty { clashes.append("INPUT") }
        if options.report != nil { clashes.append("--report") }
        if options.junit != nil { clashes.append("--junit") }
        if journal != nil { clashes.append("--journal") }
        if resume { clashes.append("--resume") }
        if dryRun { clashes.append("--dry-run") }
        if !clashes.isEmpty {
            throw ValidationError(
                "--inbox takes its files from DIR/incoming and writes its reports and journal inside DIR; "
                    + "drop \(clashes.joined(separator: ", "))")
        }
        if keep < 0 { throw ValidationError("--keep must be 0 (keep everything) or more days, not \(keep)") }
    }

    /// Takes the inbox's lock, carries on an interrupted run, takes the new files, applies them
    /// as one run, moves them to `done/` and prunes; the exit status is the run's.
    func runInbox(_ root: String) throws {
        let verb = "apply --inbox"
        let inbox = try Inbox(root: root)
        let plan = try inbox.prepare(
            stamp: Self.stamp(now: JobClock.system),
            destination: destination(environment: ProcessInfo.processInfo.environment))
        for note in plan.notes { StandardError.print("triage \(verb): \(note)") }
        guard !plan.inputs.isEmpty else {
            let pruned = inbox.prune(keepDays: keep, now: JobClock.system)
            StandardError.print("triage \(verb): inbox \(root): nothing to apply" + Self.prunedNote(pruned))
            // A night with nothing to do is a success: the metrics say so.
            let nothing = RunResult(
                records: 0, processed: 0, failed: 0, requests: 0, seconds: 0, reports: [], errors: ErrorCounts())
            throw RunEnd.exitCode(for: nothing, metricsPath: options.metrics)
        }
        var configuration = options.configuration(dryRun: false)
        configuration.inputs = plan.inputs
        configuration.argumentBytes = nil
        configuration.reportPath = plan.reportPath
        configuration.junitPath = plan.junitPath
        configuration.journalPath = inbox.journalPath
        configuration.resume = plan.resumes
        configuration.resumeMayAppendInputs = true
        let result = try apply(configuration)
        RunSummaryLine.print(result, verb: verb, quiet: options.quiet, inbox: true)
        let settled = try inbox.settle(plan, result)
        let pruned = inbox.prune(keepDays: keep, now: JobClock.system)
        StandardError.print(
            "triage \(verb): inbox \(root): \(plan.taken) new file(s) taken; \(settled)" + Self.prunedNote(pruned))
        throw RunEnd.exitCode(for: result, metricsPath: options.metrics)
    }

    /// `20261207T020000Z`: the run's start, UTC, as reports are named.
    static func stamp(now clock: JobClock) -> String {
        let date = Date(timeIntervalSince1970: Double(clock.wallMilliseconds()) / 1000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    private static func prunedNote(_ count: Int) -> String {
        count == 0 ? "" : "; \(count) file(s) older than --keep removed from done/ and reports/"
    }
}
