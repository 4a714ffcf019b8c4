import Foundation
import TriageCore
import TriageJob

/// What a run tells the person who started it, on stderr: the first failures as
/// `FILE:LINE: Code: message`, the one-line summary, how an early stop can be continued, what
/// could not be written, and where the reports went.
enum RunSummaryLine {
    /// `inbox`: the run is an inbox's, whose next run resumes by itself (no `--resume` to give).
    static func print(_ result: RunResult, verb: String, quiet: Bool = false, inbox: Bool = false) {
        if !quiet { printFailures(result, verb: verb) }
        for note in result.notes { StandardError.print("triage \(verb): \(note)") }
        var line =
            "triage \(verb): \(counted(result.records, "record")), \(result.processed) processed, \(result.failed) failed"
        if !result.errors.isEmpty {
            line += " (" + result.errors.sorted.map { "\($0.code.rawValue) \($0.count)" }.joined(separator: ", ") + ")"
        }
        line +=
            ", " + counted(result.requests, "request")
            + (verb == "validate" || verb.hasSuffix("--dry-run") ? " planned" : "")
        line += String(format: " in %.2f s", result.seconds)
        StandardError.print(line)
        if let lanes = result.remote?.plannedLanes, !lanes.isEmpty {
            // `--assume-role --dry-run`: what each account's role would send, per Region.
            StandardError.print("triage \(verb): the plan per account and Region (each with its own quota):")
            for lane in lanes.keys.sorted(by: { ($0.account ?? "", $0.region) < ($1.account ?? "", $1.region) }) {
                let figures = lanes[lane]!
                StandardError.print(
                    "  account \(lane.account ?? "(own)") in \(lane.region): \(counted(figures.requests, "request")), "
                        + counted(figures.findings, "finding"))
            }
        }
        if let changes = result.wouldChange {
            StandardError.print(
                "triage \(verb): nothing was written; a real run would change:" + (changes.isEmpty ? " nothing" : ""))
            for change in changes { StandardError.print("  \(change)") }
        }
        for line in LaneStop.lines(result.targetStops) {
            StandardError.print("triage \(verb): error: the target failed the run in \(line)")
        }
        if result.remaining > 0 || result.interrupted {
            StandardError.print("triage \(verb): " + stopLine(result, inbox: inbox))
        }
        for failure in result.outputFailures { StandardError.print("triage \(verb): error: \(failure)") }
        if !result.outputFailures.isEmpty, result.requestsSent > 0 {
            StandardError.print("triage \(verb): " + continueLine(result))
        }
        for report in result.reports where report.path != "-" {
            StandardError.print("triage \(verb): \(report.kind) written to \(report.path)")
        }
    }

    /// The first failures in input order, then how many more there are.
    private static func printFailures(_ result: RunResult, verb: String) {
        for failure in result.firstFailures {
            guard let code = failure.outcome.errorCode, let message = failure.outcome.errorMessage else { continue }
            let (source, id) = (failure.reference.source, failure.reference.id)
            let input = source.input < result.inputs.count ? result.inputs[source.input] : "input \(source.input + 1)"
            var text = "\(input == "-" ? "<stdin>" : input):\(source.line): \(code.rawValue): \(message)"
            // The API's fixed messages ("Finding Not Found") do not say which finding.
            if message == code.defaultMessage, let id { text += " (Id \(id))" }
            StandardError.print(text)
        }
        let more = result.failed - result.firstFailures.count
        if more > 0 {
            let hint =
                result.reports.contains { $0.kind == "report" } ? "see the report" : "write them all with --report PATH"
            StandardError.print("… and \(more) more; \(hint)")
        }
    }

    private static func stopLine(_ result: RunResult, inbox: Bool) -> String {
        let why =
            switch result.stop {
            case .journalFailed?: "stopped because the journal could not be written"
            case .spoolFailed?: "stopped because the record spool could not be written"
            case .targetFailed?: "stopped where the target failed"
            case .signal?, nil: "interrupted"
            }
        var line = "\(why): \(counted(result.remaining, "record")) read were left without an outcome"
        if inbox {
            line += "; the inbox's next run resumes them"
        } else if let journal = result.journalPath, result.stop != .journalFailed {
            line += "; run the same command with --resume to continue (journal \(journal))"
        } else if result.journalPath == nil {
            line += " and, without --journal, the run cannot be resumed"
        }
        return line
    }

    private static func continueLine(_ result: RunResult) -> String {
        let applied = "\(counted(result.requestsSent, "request")) were applied"
        guard let journal = result.journalPath else {
            return "\(applied) and there is no journal of them; "
                + "after fixing the cause, running the same decisions again gives the same final state"
        }
        if result.journalIncomplete {
            return "\(applied); the journal \(journal) records them up to its last entry: once the cause is fixed, "
                + "run the same command with --resume (what it re-sends leaves the same values; a Note gets a new UpdatedAt)"
        }
        return "\(applied) and recorded in the journal \(journal): render the reports with "
            + "'triage report \(journal) --report PATH', or run the same command with --resume once the cause is fixed"
    }

    /// "1 record", "2 records".
    static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
