import Foundation
import TriageJob

#if canImport(Glibc)
import Glibc
#endif

/// The one-line summary on stderr, plus where the reports went.
enum RunSummaryLine {
    static func print(_ result: RunResult, verb: String) {
        var line = "triage \(verb): \(result.records) records, \(result.processed) processed, \(result.failed) failed"
        if !result.errors.isEmpty {
            line += " (" + result.errors.map { "\($0.code) \($0.count)" }.joined(separator: ", ") + ")"
        }
        line += ", \(result.requests) requests" + (verb == "validate" ? " planned" : "")
        line += String(format: " in %.2f s", result.seconds)
        if result.interrupted { line += "; interrupted" }
        StandardError.print(line)
        for report in result.reports where report.path != "-" {
            StandardError.print("triage \(verb): \(report.kind) written to \(report.path)")
        }
    }
}
