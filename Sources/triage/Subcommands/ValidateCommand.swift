import ArgumentParser
import TriageJob

/// `triage validate`: every record checked against the contract, the batch plan computed as
/// `apply` would send it; nothing applied.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate decisions and plan batches; apply nothing.",
        discussion: """
            Examples:
              triage validate samples/decisions.ndjson.gz \\
                --report out/report.json --junit out/junit.xml
              zcat samples/decisions.ndjson.gz | triage validate - --report -
            """)

    @OptionGroup var options: RunOptions

    func validate() throws {
        try options.checkStandardInput()
    }

    func run() throws {
        let result = try DecisionJob(configuration: options.configuration(dryRun: true)).run()
        RunSummaryLine.print(result, verb: "validate", quiet: options.quiet)
        throw RunEnd.exitCode(for: result, metricsPath: options.metrics)
    }
}
