import Dispatch
import Logging
import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The pipeline of `validate` and `apply`: read → decode → validate → batch → (apply) → report.
///
/// Threads: one I/O thread reads and decompresses inputs and cuts them into pieces; the calling
/// thread decodes, validates, spools every record (in input order, on disk) and plans batches.
/// A bounded channel between them keeps memory flat: the I/O thread waits when decoding falls
/// behind. Reports are rendered at the end from the spool, so a million records are never held
/// in memory as objects.
public final class DecisionJob {
    private let configuration: RunConfiguration
    private let logger: Logger

    /// Creates a job.
    public init(configuration: RunConfiguration, logger: Logger = Logger(label: "triage")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the job to the end. Throws only set-up errors (nothing applied, exit status 2);
    /// every problem with a record is an outcome in the result.
    public func run() throws(JobError) -> RunResult {
        let startedAt = Timestamp.nowMilliseconds()
        let catalog = try InputCatalog(configuration)
        for (kind, path) in [("report", configuration.reportPath), ("junit", configuration.junitPath)] {
            if let path, path != "-" { try Self.checkWritable(path, kind: kind) }
        }
        let spoolPath = "\(configuration.temporaryDirectory)/triage-spool-\(getpid())-\(startedAt).bin"
        // Reports are rendered from a spool of every record in input order; without a report
        // there is nothing to spool.
        let wantsReport = configuration.reportPath != nil || configuration.junitPath != nil
        var spool: RecordSpool?
        if wantsReport {
            do {
                spool = try RecordSpool(path: spoolPath)
            } catch {
                throw JobError(.output, "cannot create the record spool: \(error)")
            }
        }
        defer { spool?.remove() }

        var tally = RunTally(inputCount: catalog.entries.count)
        var planner = BatchPlanner(batchSize: configuration.batchSize, maxOpenGroups: configuration.maxOpenGroups)
        var requests = 0
        let emit: (PlannedBatch) -> Void = { _ in requests += 1 }

        // I/O thread → decoding thread → this thread, each hand-over bounded.
        let pieces = BoundedChannel<ReadEvent>(capacity: 8)
        let decoded = BoundedChannel<DecodedEvent>(capacity: 8)
        let reading = DispatchGroup()
        DispatchQueue(label: "triage.read").async(group: reading) {
            Self.readInputs(catalog, into: pieces)
        }
        let configuration = self.configuration
        DispatchQueue(label: "triage.decode").async(group: reading) {
            Self.decodeInputs(catalog, configuration, from: pieces, into: decoded)
        }

        var sequence = 0
        do throws(JobError) {
            while let event = decoded.receive() {
                switch event {
                case .start(let input):
                    tally.markStart(input: input, at: Timestamp.nowMilliseconds())
                case .records(let input, let records):
                    for record in records {
                        try handle(
                            record, input: input, sequence: &sequence, tally: &tally, spool: spool, planner: &planner,
                            emit: emit)
                    }
                case .end(let input):
                    tally.markEnd(input: input, at: Timestamp.nowMilliseconds())
                case .failed(let error):
                    throw error
                }
            }
        } catch {
            while decoded.receive() != nil {}
            reading.wait()
            throw error
        }
        reading.wait()
        planner.finish(emit: emit)

        let finishedAt = Timestamp.nowMilliseconds()
        let summary = ReportSummary(
            records: tally.records, processed: tally.processed, failed: tally.failed, requests: requests,
            target: configuration.dryRun ? "none (dry run)" : "store", inputs: catalog.entries.map(\.name),
            startedAt: Timestamp.rfc3339(milliseconds: startedAt),
            finishedAt: Timestamp.rfc3339(milliseconds: finishedAt), dryRun: configuration.dryRun,
            errors: tally.sortedErrors)
        var reports: [(kind: String, path: String)] = []
        if let spool {
            let renderer = ReportRenderer(
                spool: spool, summary: summary, tally: tally, appliedOutcome: { _ in .processed })
            do {
                if let path = configuration.reportPath {
                    try renderer.writeJSON(to: path)
                    reports.append(("report", path))
                }
                if let path = configuration.junitPath {
                    try renderer.writeJUnit(to: path)
                    reports.append(("junit", path))
                }
            } catch {
                throw JobError(.output, "\(error)")
            }
        }
        return RunResult(
            records: tally.records, processed: tally.processed, failed: tally.failed, requests: requests,
            interrupted: false, seconds: Double(finishedAt - startedAt) / 1000, reports: reports,
            errors: tally.sortedErrors)
    }

    /// One decoded record: validate, spool, count, plan.
    private func handle(
        _ record: DecodedRecord, input: Int, sequence: inout Int, tally: inout RunTally, spool: RecordSpool?,
        planner: inout BatchPlanner, emit: (PlannedBatch) -> Void
    ) throws(JobError) {
        func spoolRecord(_ spooled: SpooledRecord) throws(JobError) {
            do {
                try spool?.append(spooled)
            } catch {
                throw JobError(.output, "cannot write the record spool: \(error)")
            }
            tally.countRecord(input: input)
            if let failure = spooled.failure { tally.countFailure(failure.code, input: input) }
            sequence += 1
        }
        switch record {
        case .malformed(let line, let message):
            try spoolRecord(
                SpooledRecord(
                    input: input, line: line, id: nil, productArn: nil,
                    failure: .init(code: .malformedRecord, message: message)))
        case .inputFailed(let line, let message):
            try spoolRecord(
                SpooledRecord(
                    input: input, line: line, id: nil, productArn: nil,
                    failure: .init(code: .malformedInput, message: message)))
        case .checked(let verdicts, let line):
            for checked in verdicts {
                switch checked {
                case .valid(let identifier, let update):
                    let current = sequence
                    try spoolRecord(
                        SpooledRecord(
                            input: input, line: line, id: identifier.id, productArn: identifier.productArn,
                            failure: nil))
                    planner.add(sequence: current, identifier: identifier, update: update, emit: emit)
                case .invalid(let raw, let issues):
                    try spoolRecord(
                        SpooledRecord(
                            input: input, line: line, id: raw?.id, productArn: raw?.productArn,
                            failure: .init(code: .invalidInput, message: ValidationIssue.message(issues))))
                }
            }
        }
    }

    private static func checkWritable(_ path: String, kind: String) throws(JobError) {
        var directory = path
        if let slash = path.lastIndex(of: "/") {
            directory = String(path[..<slash])
            if directory.isEmpty { directory = "/" }
        } else {
            directory = "."
        }
        if access(directory, W_OK) != 0 {
            throw JobError(.output, "\(path): cannot write the \(kind) there (\(String(cString: strerror(errno))))")
        }
    }
}
