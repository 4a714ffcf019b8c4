import ArgumentParser
import TriageCore
import TriageIO

/// `triage generate`: synthetic findings and decisions for demos and benchmarks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic ASFF findings and decisions (deterministic for a seed).",
        discussion: """
            Decisions name findings 0..<--findings in turn, so a decisions file matches a findings file made \
            with the same --seed and --findings. Files ending in .gz are gzip-compressed; decisions are CSV when \
            the path ends in .csv or .csv.gz, NDJSON otherwise.

            Examples:
              triage generate --findings 1000 --findings-output out/findings.ndjson.gz \\
                --decisions 1000 --decisions-output out/decisions.ndjson.gz \\
                --invalid-per-mille 10
            """)

    @Option(help: "Number of findings in the synthetic store.") var findings: Int = 1000
    @Option(name: .customLong("findings-output"), help: "Where to write the findings as NDJSON.") var findingsOutput:
        String?
    @Option(help: "Number of decisions.") var decisions: Int = 0
    @Option(name: .customLong("decisions-output"), help: "Where to write the decisions.") var decisionsOutput: String?
    @Option(help: "Seed; the same seed gives the same files.") var seed: UInt64 = 1
    @Option(name: .customLong("distinct-updates"), help: "Distinct updates, 1...10.") var distinctUpdates: Int = 10
    @Option(name: .customLong("invalid-per-mille"), help: "Broken decisions per thousand.") var invalidPerMille: Int = 0
    @Option(name: .customLong("missing-per-mille"), help: "Decisions per thousand naming an unknown finding.")
    var missingPerMille: Int = 0
    @Option(name: .customLong("repeat-per-mille"), help: "Decisions per thousand naming a recently decided finding.")
    var repeatPerMille: Int = 0
    @Option(name: .customLong("gzip-level"), help: "zlib level for .gz outputs, 1...9.") var gzipLevel: Int32 = 6

    func validate() throws {
        guard findings >= 1, decisions >= 0 else { throw ValidationError("--findings must be ≥ 1 and --decisions ≥ 0") }
        guard findingsOutput != nil || decisionsOutput != nil else {
            throw ValidationError("name --findings-output and/or --decisions-output")
        }
        guard (1...9).contains(gzipLevel) else { throw ValidationError("--gzip-level must be 1...9") }
    }

    func run() throws {
        let data = SyntheticData(seed: seed, findingCount: findings)
        let mix = DecisionMix(
            distinctUpdates: distinctUpdates, invalidPerMille: invalidPerMille, missingPerMille: missingPerMille,
            repeatPerMille: repeatPerMille)
        if let path = findingsOutput {
            let writer = try LineFileWriter(path: path, gzipLevel: gzipLevel)
            for index in 0..<findings { try writer.writeLine(data.findingJSON(index)) }
            try writer.commit()
            StandardError.print("triage generate: \(RunSummaryLine.counted(findings, "finding")) written to \(path)")
        }
        if let path = decisionsOutput {
            let writer = try LineFileWriter(path: path, gzipLevel: gzipLevel)
            if DecisionFormat.fromExtension(of: path) == .csv {
                try writer.writeLine(data.csvHeader())
                for index in 0..<decisions { try writer.writeLine(data.csvRow(index, mix: mix)) }
            } else {
                for index in 0..<decisions { try writer.writeLine(data.decisionLine(index, mix: mix)) }
            }
            try writer.commit()
            StandardError.print("triage generate: \(RunSummaryLine.counted(decisions, "decision")) written to \(path)")
        }
    }
}
