import TriageCore
import TriageIO

/// The JUnit report: one suite per input, its test cases the input's records (`--junit-cases
/// all`) or only its failed records plus one passing case that counts the rest (`failed`).
extension ReportRenderer {
    /// Writes the JUnit report by ``OutputPath``'s rule, gzip-compressed when the path ends in
    /// `.gz` (``GzipPath``). Each suite's `tests` and `failures` count the cases written into it.
    ///
    /// With `.failed` a suite holds first one passing case named after the input's processed
    /// records (``processedCaseName(_:)``, classname the input, time the suite's), then one
    /// failing case per failed record, as `.all` writes them: a run of 300,000 records with 3
    /// failures gives suites of 4 cases.
    func writeJUnit(to path: String, cases: RunConfiguration.JUnitCases = .all) throws(TriageIOError) {
        let output = try FileOutput(path: path)
        do {
            let writer = try JUnitWriter(output: output, gzip: GzipPath.names(path))
            let hostname = Self.hostname()
            var open = -1
            func openSuite(_ input: Int) throws {
                let counts = self.counts[input: input]
                let seconds = max(0, Double(counts.finishedAt - counts.startedAt) / 1000)
                let processed = counts.processed
                try writer.beginSuite(
                    JUnitSuite(
                        name: summary.inputs[input], package: "triage", id: input,
                        timestamp: JUnitSuite.timestamp(
                            unixSeconds: (counts.startedAt == 0 ? now : counts.startedAt) / 1000),
                        hostname: hostname, tests: cases == .all ? counts.records : counts.failed + 1,
                        failures: counts.failed, errors: 0, time: seconds,
                        properties: properties))
                if cases == .failed {
                    try writer.testCase(
                        name: Self.processedCaseName(processed), classname: summary.inputs[input], time: seconds,
                        failure: nil)
                }
            }
            func closeSuite() throws { try writer.endSuite(systemOut: "", systemErr: "") }
            try forEachRecord { record in
                let (reference, input) = (record.reference, record.reference.source.input)
                while open < input {
                    if open >= 0 { try closeSuite() }
                    open += 1
                    try openSuite(open)
                }
                var failure: JUnitFailure?
                let (inputName, line) = (summary.inputs[input], reference.source.line)
                if let code = record.outcome.errorCode, let message = record.outcome.errorMessage {
                    failure = JUnitFailure(type: code.rawValue, message: message, text: "\(inputName):\(line)")
                } else if cases == .failed {
                    return
                }
                try writer.testCase(
                    name: reference.id ?? "line \(line)", classname: reference.productArn ?? inputName, time: 0,
                    failure: failure)
            }
            while open < summary.inputs.count - 1 {
                if open >= 0 { try closeSuite() }
                open += 1
                try openSuite(open)
            }
            if open >= 0 { try closeSuite() }
            try writer.finish()
            try output.commit()
        } catch {
            output.discard()
            throw Self.outputError(error, path: path)
        }
    }

    /// The suites' `<properties>`: the target, the inputs, whether it was a dry run, and a remote
    /// target's Regions and endpoint, and the accounts whose roles sent (`--assume-role`).
    private var properties: [(name: String, value: String)] {
        [
            (name: "target", value: summary.target),
            (name: "inputs", value: summary.inputs.joined(separator: " ")),
            (name: "dryRun", value: String(summary.dryRun)),
        ]
            + (summary.remote.map { remote in
                [
                    (name: "regions", value: remote.regions.keys.sorted().joined(separator: " ")),
                    (name: "endpoint", value: remote.endpoint),
                ]
                    + (remote.accounts.isEmpty
                        ? [] : [(name: "accounts", value: remote.accounts.keys.sorted().joined(separator: " "))])
            } ?? []) + shardProperties
    }

    /// The name of the passing case that stands for an input's processed records with
    /// `--junit-cases failed`: `4,997 records processed`, `1 record processed`.
    static func processedCaseName(_ count: Int) -> String {
        var digits = String(count)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        return digits + grouped + (count == 1 ? " record processed" : " records processed")
    }
}
