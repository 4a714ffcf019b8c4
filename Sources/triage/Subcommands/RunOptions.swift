import ArgumentParser
import TriageJob

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by `validate` and `apply` (`docs/contract.md`).
struct RunOptions: ParsableArguments {
    @Argument(help: "Decision files (NDJSON or CSV, gzip or not); '-' or nothing for standard input.")
    var inputs: [String] = []

    @Option(help: "Input format: auto (by extension, else by content), ndjson or csv.")
    var format: RunConfiguration.FormatChoice = .auto

    @Option(help: "JSON report path ('-' = stdout).")
    var report: String?

    @Option(help: "JUnit XML report path.")
    var junit: String?

    @Option(
        name: .customLong("junit-cases"),
        help: ArgumentHelp(
            "JUnit test cases: all (one per record) or failed (one per failed record, one per input for the rest).",
            valueName: "all|failed"))
    var junitCases: RunConfiguration.JUnitCases = .all

    @Option(
        help: ArgumentHelp(
            "Prometheus textfile-collector file, rewritten (temporary file, then rename) during the run and at its end.",
            valueName: "PATH"))
    var metrics: String?

    @Option(name: .customLong("batch-size"), help: "Findings per request, 1...100.")
    var batchSize: Int = 100

    @Option(name: .customLong("updated-by"), help: "Note.UpdatedBy for notes given without one.")
    var updatedBy: String?

    @Option(
        name: .customLong("sort-window"),
        help: ArgumentHelp(
            "Valid decisions reordered by finding key this many at a time before batching; 0 keeps input order.",
            discussion:
                "Default: 262144 for the embedded store, 0 for validate. Decisions for one finding keep their order.",
            valueName: "N"))
    var sortWindow: Int?

    @Option(
        help: ArgumentHelp(
            "Run one shard: keep only the records whose (account, Region) hashes to shard K of N (K from 0).",
            discussion: "Every shard reads all the inputs; `triage report` merges the shards' journals.",
            valueName: "K/N"))
    var shard: String?

    @Option(
        help: ArgumentHelp(
            "Run one of N shards, K from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch).",
            discussion: "auto: N from AWS_BATCH_JOB_ARRAY_SIZE.",
            valueName: "N|auto"))
    var shards: String?

    @Flag(help: "Do not list the first failures on stderr (the summary line stays).")
    var quiet = false

    @Option(help: "Progress line on stderr: auto (only on a terminal), always or never.")
    var progress: ProgressChoice = .auto

    enum ProgressChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func validate() throws {
        guard (1...100).contains(batchSize) else {
            throw ValidationError("--batch-size must be between 1 and 100, not \(batchSize)")
        }
        if let sortWindow, !(0...(1 << 24)).contains(sortWindow) {
            throw ValidationError("--sort-window must be between 0 and 16777216, not \(sortWindow)")
        }
        if report == "-", junit == "-" {
            throw ValidationError("--report and --junit cannot both be '-'")
        }
        if metrics == "-" {
            throw ValidationError("--metrics needs a file path (it is rewritten during the run), not '-'")
        }
        _ = try chosenShard()
    }

    /// Standard input is read when no INPUT is given; a terminal there is a mistake (the run
    /// would wait for typing). Called by the commands that read inputs this way.
    func checkStandardInput() throws {
        if inputs.isEmpty, isatty(0) == 1 {
            throw ValidationError("no INPUT given and standard input is a terminal; name a file or pipe decisions in")
        }
    }

    /// The run's configuration.
    func configuration(dryRun: Bool) -> RunConfiguration {
        var configuration = RunConfiguration(inputs: inputs.isEmpty ? ["-"] : inputs)
        configuration.argumentBytes = RunConfiguration.commandLineArgumentBytes()
        configuration.format = format
        configuration.reportPath = report
        configuration.junitPath = junit
        configuration.junitCases = junitCases
        configuration.metricsPath = metrics
        configuration.batchSize = batchSize
        configuration.defaultNoteAuthor = updatedBy
        configuration.dryRun = dryRun
        configuration.progress = progress.rawValue
        configuration.keyOrderWindow = sortWindow
        configuration.shard = try? chosenShard()
        // The exit status is the run's once it has ended: a late SIGTERM must not make it 143.
        configuration.ignoresStopSignalsAfterRun = true
        if let directory = getenv("TMPDIR").map({ String(cString: $0) }), !directory.isEmpty {
            configuration.temporaryDirectory = directory
        }
        return configuration
    }
}

extension RunConfiguration.FormatChoice: ExpressibleByArgument {}
extension RunConfiguration.JUnitCases: ExpressibleByArgument {}
