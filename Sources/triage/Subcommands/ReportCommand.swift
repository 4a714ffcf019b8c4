import ArgumentParser
import Foundation
import TriageJob

/// `triage report`: reports rendered (and merged) from run journals.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render (and merge) run journals into JSON and JUnit reports.",
        discussion: """
            Example:
              triage report out/report.json.journal \\
                --report out/again.json --junit out/again.xml
            """)

    @Argument(help: "Journals written by apply --journal.")
    var journals: [String] = []

    @Option(help: "JSON report path ('-' = stdout).")
    var report: String?

    @Option(help: "JUnit XML report path.")
    var junit: String?

    func validate() throws {
        if journals.isEmpty { throw ValidationError("name at least one JOURNAL") }
        if report == nil, junit == nil { throw ValidationError("name --report and/or --junit") }
    }

    func run() throws {
        let result = try JournalReportJob.run(journals: journals, reportPath: report, junitPath: junit)
        RunSummaryLine.print(result, verb: "report")
        throw ExitCode(ExitStatus.of(result).rawValue)
    }
}
