import Dispatch
import Synchronization
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// Renders the JSON and JUnit reports of a run from its record spool (input order) and the
/// outcomes of applied records (by sequence number), streaming; or, for `triage report`, from the
/// records it already holds in input order.
struct ReportRenderer: Sendable {
    /// Where the records are: a run's spool, or the records a journal merge holds.
    enum Records: Sendable {
        case spool(RecordSpool)
        case inMemory([RecordOutcome])
    }

    let records: Records
    let summary: ReportSummary
    /// The run's counts: the JUnit suites' per input.
    let counts: RunLedger
    /// Milliseconds since 1970 at the end of the run: the timestamp of a JUnit suite whose
    /// input's reading time is not known.
    let now: Int64
    /// The outcome of the valid record with this sequence number; nil when it has none (an
    /// interrupted run never sent it): such a record is left out of the report.
    let appliedOutcome: @Sendable (Int) -> Outcome?

    /// Writes the reports asked for, the JSON and the JUnit one at the same time (each walks the
    /// spool on its own). Returns the reports written, as (kind, path), and the failures, in the
    /// order asked for, each naming its report's path: one report failing does not keep the other
    /// from being written, and the caller can say which is there. A report that fails leaves no
    /// temporary file (and the file it would have replaced as it was). `junitCases` chooses the
    /// JUnit report's test cases (``writeJUnit(to:cases:)``).
    func writeAll(
        jsonPath: String?, junitPath: String?, junitCases: RunConfiguration.JUnitCases = .all
    ) -> (written: [(kind: String, path: String)], failures: [TriageIOError]) {
        if case .spool(let spool) = records {
            do throws(TriageIOError) {
                try spool.flush()
            } catch {
                return ([], [error])
            }
        }
        let jobs: [(kind: String, path: String)] = [("report", jsonPath), ("junit", junitPath)].compactMap {
            kind, path in
            path.map { (kind, $0) }
        }
        let failures = Mutex<[Int: TriageIOError]>([:])
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            do throws(TriageIOError) {
                if jobs[index].kind == "report" {
                    try writeJSON(to: jobs[index].path)
                } else {
                    try writeJUnit(to: jobs[index].path, cases: junitCases)
                }
            } catch {
                failures.withLock { $0[index] = error }
            }
        }
        let failed = failures.withLock { $0 }
        return (
            jobs.indices.filter { failed[$0] == nil }.map { jobs[$0] },
            failed.keys.sorted().map { failed[$0]! }
        )
    }

    /// Walks the records in input order, giving each its final outcome; a record without one
    /// (never sent) is left out.
    func forEachRecord(_ body: (RecordOutcome) throws -> Void) throws {
        let spool: RecordSpool
        switch records {
        case .inMemory(let held):
            for record in held { try body(record) }
            return
        case .spool(let runSpool):
            spool = runSpool
        }
        try spool.forEach { reference, known in
            guard let outcome = known ?? appliedOutcome(reference.sequence) else { return }
            try body(RecordOutcome(reference, outcome))
        }
    }

    /// Writes the JSON report by ``OutputPath``'s rule (`-` = stdout), gzip-compressed when the
    /// path ends in `.gz` (``GzipPath``).
    func writeJSON(to path: String) throws(TriageIOError) {
        let output = try FileOutput(path: path)
        do {
            let writer = try JSONReportWriter(output: output, gzip: GzipPath.names(path))
            try writer.begin(summary)
            try forEachRecord { record in if record.outcome.isProcessed { try writer.processed(record) } }
            try writer.beginUnprocessed()
            try forEachRecord { record in if !record.outcome.isProcessed { try writer.unprocessed(record) } }
            try writer.finish()
            try output.commit()
        } catch {
            output.discard()
            throw Self.outputError(error, path: path)
        }
    }

    /// `error` as the output error of the report at `path`: the output's own error when it has
    /// one (`PATH: write failed: No space left on device`), else the error's text.
    static func outputError(_ error: any Error, path: String) -> TriageIOError {
        switch error {
        case let error as TriageIOError: error.asOutputError(path: path)
        default: TriageIOError(path: path, reason: "\(error)")
        }
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}
