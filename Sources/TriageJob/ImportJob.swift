import TriageCore
import TriageIO
import TriageStore

/// `triage import`: ASFF findings from files into the store, with BatchImportFindings rules,
/// streamed, one transaction per chunk of findings.
public final class ImportJob {
    /// What an import did.
    public struct Result: Sendable {
        /// New findings stored.
        public var created = 0
        /// Stored findings replaced by a later version.
        public var updated = 0
        /// Findings not later than the stored version.
        public var ignored = 0
        /// Findings rejected, and documents that could not be read.
        public var failed = 0
        /// The first failures (at most 100), as `file: Id: code: message` lines.
        public var failures: [String] = []
        /// Seconds taken.
        public var seconds = 0.0
    }

    private let files: [String]
    private let storePath: String
    private let chunkSize: Int
    private let pageSize: Int?
    /// Times the import (its `seconds`).
    private let clock: JobClock

    /// Imports `files` (`-` is stdin) into the store at `storePath` (created if missing, with
    /// SQLite pages of `pageSize` bytes when given). *Choice*: a 0-byte file, or an SQLite
    /// database without any schema, is initialised as a new store (`touch x.sqlite` then
    /// `import`); another application's database is refused before anything is written to it.
    public init(
        files: [String], storePath: String, chunkSize: Int = 500, pageSize: Int? = nil, clock: JobClock = .system
    ) {
        self.clock = clock
        self.files = files
        self.storePath = storePath
        self.chunkSize = chunkSize
        self.pageSize = pageSize
    }

    /// Runs the import. Throws when the store cannot be opened or an input path cannot be read
    /// (exit status 2, nothing imported).
    public func run() throws(JobError) -> Result {
        let started = clock.monotonicMilliseconds()
        var sources: [(String, ByteSource)] = []
        for file in files {
            do {
                sources.append((file, try InputOpener.open(path: file)))
            } catch {
                throw JobError(.badInput, "\(file): \(error.message)")
            }
        }
        let store: FindingsStore
        do {
            var options = StoreOptions()
            options.cacheSizeKiB = 64 * 1024
            if let pageSize { options.pageSize = pageSize }
            store = try FindingsStore(path: storePath, options: options)
        } catch {
            throw JobError(.target, StoreTarget.targetError(error, path: storePath).message)
        }
        var result: Result
        do {
            result = try store.bulkLoad { () throws -> Result in try importAll(sources, into: store) }
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError(.target, "store \(storePath): \(error)")
        }
        result.seconds = Double(clock.monotonicMilliseconds() - started) / 1000
        return result
    }

    /// Imports every source in order, a chunk per transaction.
    private func importAll(_ sources: [(String, ByteSource)], into store: FindingsStore) throws(JobError) -> Result {
        var result = Result()
        for (file, source) in sources {
            let reader = ASFFReader(source: source)
            var chunk: [[UInt8]] = []
            func flush() throws(JobError) {
                guard !chunk.isEmpty else { return }
                let outcomes: [ImportOutcome]
                do {
                    outcomes = try store.import(findings: chunk)
                } catch {
                    throw JobError(.target, "store \(storePath): \(error.message)")
                }
                chunk.removeAll(keepingCapacity: true)
                for outcome in outcomes {
                    switch outcome {
                    case .created: result.created += 1
                    case .updated: result.updated += 1
                    case .ignored: result.ignored += 1
                    case .failed(let id, let code, let message):
                        result.failed += 1
                        if result.failures.count < 100 {
                            result.failures.append("\(file): \(id ?? "(no Id)"): \(code.rawValue): \(message)")
                        }
                    }
                }
            }
            do {
                while let finding = try reader.next() {
                    chunk.append(finding)
                    if chunk.count >= chunkSize { try flush() }
                }
                try flush()
            } catch let error as TriageIOError where error.code == .unreadableFindings {
                try flush()
                result.failed += 1
                result.failures.append("\(file): MalformedInput: \(error.message)")
            } catch let error as JobError {
                throw error
            } catch {
                throw JobError(.target, "\(error)")
            }
        }
        return result
    }
}

/// `triage export`: the store's findings as NDJSON sorted by (`ProductArn`, `Id`).
public enum ExportJob {
    /// Writes every finding to `output` (`-` = stdout; gzip when the name ends in `.gz`);
    /// returns how many. The store is opened read-only and never written; a missing, 0-byte or
    /// foreign file is refused (exit status 2).
    public static func run(storePath: String, output: String) throws(JobError) -> Int {
        do {
            try StoreTarget.requireExisting(storePath)
        } catch {
            throw JobError(.target, error.message)
        }
        let store: FindingsStore
        do {
            var options = StoreOptions()
            options.access = .readOnly
            store = try FindingsStore(path: storePath, options: options)
        } catch {
            throw JobError(.target, StoreTarget.targetError(error, path: storePath).message)
        }
        let writer: LineFileWriter
        do {
            writer = try LineFileWriter(path: output)
        } catch {
            throw JobError(.output, "\(error)")
        }
        var count = 0
        do {
            try store.exportAll { finding in
                try writer.writeLine(finding)
                count += 1
            }
            try writer.commit()
        } catch {
            writer.discard()
            throw JobError(.output, "export failed: \(error)")
        }
        return count
    }
}
