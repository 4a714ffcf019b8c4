import ArgumentParser
import Foundation
import TriageJob

/// `triage import`: load ASFF findings into the embedded store with BatchImportFindings rules.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load ASFF findings into the embedded store (BatchImportFindings rules).",
        discussion: """
            FILE holds findings as {"Findings": [...]} (GetFindings / BatchImportFindings shape), a bare array, a \
            single finding, NDJSON, or an event wrapping one of these (detail.findings); gzip or not.

            Example:
              triage import samples/findings.ndjson.gz --store findings.sqlite
            """)

    @Argument(help: "Files of ASFF findings; '-' for standard input.")
    var files: [String] = []

    @OptionGroup var storeOption: StoreOption

    @Option(
        name: .customLong("page-size"), help: "SQLite page size in bytes for a new store (512...65536, a power of two)."
    )
    var pageSize: Int?

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one FILE of findings (or '-')") }
        if let pageSize, !(9...16).contains(pageSize.trailingZeroBitCount) || pageSize.nonzeroBitCount != 1 {
            throw ValidationError("--page-size must be a power of two from 512 to 65536")
        }
    }

    func run() throws {
        let result = try ImportJob(files: files, storePath: storeOption.path, pageSize: pageSize).run()
        for failure in result.failures { StandardError.print("triage import: failed: \(failure)") }
        StandardError.print(
            "triage import: \(result.created + result.updated) imported (\(result.created) new, \(result.updated) updated), "
                + "\(result.ignored) ignored, \(result.failed) failed into \(storeOption.path)"
                + String(format: " in %.2f s", result.seconds))
        throw ExitCode(ExitStatus.of(result).rawValue)
    }
}
