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
        let spool: RecordSpool
        do {
            spool = try RecordSpool(path: spoolPath)
        } catch {
            throw JobError(.output, "cannot create the record spool: \(error)")
        }
        defer { spool.remove() }

        var tally = RunTally(inputCount: catalog.entries.count)
        var planner = BatchPlanner(batchSize: configuration.batchSize, maxOpenGroups: configuration.maxOpenGroups)
        var requests = 0
        let emit: (PlannedBatch) -> Void = { _ in requests += 1 }

        let channel = BoundedChannel<ReadEvent>(capacity: 8)
        let reading = DispatchGroup()
        DispatchQueue(label: "triage.read").async(group: reading) {
            Self.readInputs(catalog, into: channel)
        }

        var sequence = 0
        var decoders: [Int: DecisionDecoder] = [:]
        var records: [DecodedRecord] = []
        do throws(JobError) {
            while let event = channel.receive() {
                records.removeAll(keepingCapacity: true)
                switch event {
                case .start(let input):
                    decoders[input] = DecisionDecoder(
                        format: catalog.entries[input].format, maxLineBytes: configuration.maxLineBytes)
                    tally.markStart(input: input, at: Timestamp.nowMilliseconds())
                case .piece(let input, let piece):
                    do {
                        try decoders[input]!.decode(piece) { records.append($0) }
                    } catch {
                        throw JobError(.badInput, "\(catalog.entries[input].name): \(error.message)")
                    }
                    for record in records {
                        try handle(
                            record, input: input, sequence: &sequence, tally: &tally, spool: spool, planner: &planner,
                            emit: emit)
                    }
                case .end(let input):
                    do {
                        try decoders[input]!.finish { records.append($0) }
                    } catch {
                        throw JobError(.badInput, "\(catalog.entries[input].name): \(error.message)")
                    }
                    for record in records {
                        try handle(
                            record, input: input, sequence: &sequence, tally: &tally, spool: spool, planner: &planner,
                            emit: emit)
                    }
                    decoders[input] = nil
                    tally.markEnd(input: input, at: Timestamp.nowMilliseconds())
                }
            }
        } catch {
            Self.drain(channel)
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
        let renderer = ReportRenderer(
            spool: spool, summary: summary, tally: tally, appliedOutcome: { _ in .processed })
        var reports: [(kind: String, path: String)] = []
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
        return RunResult(
            records: tally.records, processed: tally.processed, failed: tally.failed, requests: requests,
            interrupted: false, seconds: Double(finishedAt - startedAt) / 1000, reports: reports,
            errors: tally.sortedErrors)
    }

    /// One decoded record: validate, spool, count, plan.
    private func handle(
        _ record: DecodedRecord, input: Int, sequence: inout Int, tally: inout RunTally, spool: RecordSpool,
        planner: inout BatchPlanner, emit: (PlannedBatch) -> Void
    ) throws(JobError) {
        func spoolRecord(_ spooled: SpooledRecord) throws(JobError) {
            do {
                try spool.append(spooled)
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
        case .draft(let draft, let line):
            for checked in draft.validate(defaultNoteAuthor: configuration.defaultNoteAuthor) {
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

    enum ReadEvent: Sendable {
        case start(Int)
        case piece(Int, InputPiece)
        case end(Int)
    }

    /// The I/O thread: every input in order, cut into pieces.
    private static func readInputs(_ catalog: InputCatalog, into channel: BoundedChannel<ReadEvent>) {
        for index in catalog.entries.indices {
            channel.send(.start(index))
            switch catalog.open(index) {
            case .failure(let error):
                channel.send(.piece(index, .failed(error, lastLine: 0)))
            case .success(let source):
                let reader = InputPieceReader(source: source, format: catalog.entries[index].format)
                while let piece = reader.next() { channel.send(.piece(index, piece)) }
            }
            channel.send(.end(index))
        }
        channel.close()
    }

    private static func drain(_ channel: BoundedChannel<ReadEvent>) {
        while channel.receive() != nil {}
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
