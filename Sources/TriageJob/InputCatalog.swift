import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The run's inputs, checked before anything is applied: every path is readable, every format is
/// known, and every CSV input's header is usable (an unknown column is an error reported once,
/// before any row is applied: `shared/spec/cli.md`).
///
/// Files are opened twice (checked here, read later) so that a run over thousands of files does
/// not hold thousands of descriptors; standard input is opened once and kept.
/// `@unchecked Sendable`: built on the calling thread, then used by the I/O thread alone
/// (`open(_:)` is its only mutation), with the channel's hand-over as the barrier.
final class InputCatalog: @unchecked Sendable {
    struct Entry {
        /// As the user named it.
        var name: String
        /// The format, decided at the check.
        var format: DecisionFormat
    }

    private(set) var entries: [Entry] = []
    private var standardInput: PeekableSource?
    private let maxLineBytes: Int

    init(_ configuration: RunConfiguration) throws(JobError) {
        maxLineBytes = configuration.maxLineBytes
        if configuration.inputs.filter({ $0 == "-" }).count > 1 {
            throw JobError(.usage, "standard input (-) can be named only once")
        }
        for name in configuration.inputs {
            let forced: DecisionFormat? =
                switch configuration.format {
                case .ndjson: .ndjson
                case .csv: .csv
                case .auto: name == "-" ? nil : DecisionFormat.fromExtension(of: name)
                }
            var status = stat()
            if name != "-", stat(name, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
                throw JobError(.badInput, "\(name): is a directory, not a decisions file")
            }
            let source: PeekableSource
            do {
                source = PeekableSource(try InputOpener.open(path: name))
            } catch {
                throw JobError(.badInput, "\(name): \(error.message)")
            }
            // Only an unknown format or a CSV header needs the first bytes; a read error while
            // peeking is reported later, in order, as MalformedInput.
            let format = forced ?? DecisionFormat.sniff((try? source.peek(64 << 10)) ?? [])
            if format == .csv {
                try Self.checkHeader((try? source.peek(maxLineBytes + (64 << 10))) ?? [], name: name, maxLineBytes: maxLineBytes)
            }
            if name == "-" { standardInput = source }
            entries.append(Entry(name: name, format: format))
        }
    }

    /// Tokenizes the first bytes of a CSV input up to its header row.
    private static func checkHeader(_ head: [UInt8], name: String, maxLineBytes: Int) throws(JobError) {
        var decoder = DecisionDecoder(format: .csv, maxLineBytes: maxLineBytes)
        do {
            try decoder.decode(.bytes(head)) { _ in }
            if decoder.csvLayout == nil { try decoder.finish { _ in } }
        } catch {
            throw JobError(.badInput, "\(name): \(error.message)")
        }
    }

    /// Opens input `index` for reading.
    func open(_ index: Int) -> Result<ByteSource, InputError> {
        let entry = entries[index]
        if entry.name == "-", let standardInput {
            self.standardInput = nil
            return .success(standardInput)
        }
        do {
            return .success(try InputOpener.open(path: entry.name))
        } catch {
            return .failure(error)
        }
    }
}
