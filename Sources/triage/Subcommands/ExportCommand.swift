import ArgumentParser
import TriageJob

/// `triage export`: the store's findings as NDJSON.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the store's findings as NDJSON, sorted by ProductArn and Id.",
        discussion: """
            Example:
              triage export --store findings.sqlite \\
                --output out/findings-after.ndjson.gz
            """)

    @OptionGroup var storeOption: StoreOption

    @Option(help: "Output file ('-' = stdout); gzip when the name ends in .gz.")
    var output: String = "-"

    func run() throws {
        let count = try ExportJob.run(storePath: storeOption.path, output: output)
        if output != "-" { StandardError.print("triage export: \(count) findings written to \(output)") }
    }
}
