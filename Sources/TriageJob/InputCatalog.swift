import TriageCore
import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// The run's inputs, checked before anything is applied: every path is readable, every format is
/// known, and every CSV input's header is usable (an unknown column is an error reported once,
/// before any row is applied: `docs/contract.md`).
///
/// Every input is opened here and its first bytes peeked. A regular file (by `fstat` on the opened
/// descriptor, whatever its name) is closed again and reopened when its turn comes, so that a run
/// over thousands of files does not hold thousands of descriptors. Anything else (standard input,
/// a pipe, a FIFO, `/dev/stdin`, `/dev/fd/N` from process substitution, a character device) can
/// be read only once: it is kept open with its peeked bytes and read from there.
/// Paths are opened by their bytes as the command line gave them (``InputPath``); messages and
/// reports name them by ``InputPath/displayName``.
/// `@unchecked Sendable`: built on the calling thread, then used by the I/O thread alone
/// (`open(_:)` is its only mutation), with the channel's hand-over as the barrier.
final class InputCatalog: @unchecked Sendable {
    struct Entry {
        /// The path, by its bytes.
        var path: InputPath
        /// The format, decided at the check.
        var format: DecisionFormat
        /// As messages and reports show it (ill-formed UTF-8 escaped as `\xFF`).
        var name: String { path.displayName }
    }

    private(set) var entries: [Entry] = []
    /// The opened sources of inputs that cannot be opened again (with their descriptors), by
    /// entry index, until read.
    private var kept: [Int: (source: PeekableSource, file: FileByteSource)] = [:]
    private let maxLineBytes: Int

    init(_ configuration: RunConfiguration) throws(JobError) {
        maxLineBytes = configuration.maxLineBytes
        Self.keepStopSignalsDeliverable()
        let paths = try Self.paths(configuration)
        if paths.filter(\.isStandardInput).count > 1 {
            throw JobError(.usage, "standard input (-) can be named only once")
        }
        for (index, path) in paths.enumerated() {
            let forced: DecisionFormat? =
                switch configuration.format {
                case .ndjson: .ndjson
                case .csv: .csv
                case .auto: path.isStandardInput ? nil : DecisionFormat.fromExtension(of: path.displayName)
                }
            let opened: InputOpener.Opened
            do {
                opened = try InputOpener.open(path)
            } catch {
                throw JobError(.badInput, "\(path.displayName): \(error.message)")
            }
            let source = PeekableSource(opened.source)
            // Only an unknown format or a CSV header needs the first bytes; a read error while
            // peeking is reported later, in order, as MalformedInput.
            let format = forced ?? DecisionFormat.sniff((try? source.peek(64 << 10)) ?? [])
            if format == .csv {
                try Self.checkHeader(
                    (try? source.peek(maxLineBytes + (64 << 10))) ?? [], name: path.displayName,
                    maxLineBytes: maxLineBytes)
            }
            if !opened.canReopen, let file = opened.file { kept[index] = (source, file) }
            entries.append(Entry(path: path, format: format))
        }
    }

    /// The inputs' paths by their bytes (see ``InputPath/resolving(_:argumentBytes:)``).
    private static func paths(_ configuration: RunConfiguration) throws(JobError) -> [InputPath] {
        guard let argumentBytes = configuration.argumentBytes else { return configuration.inputs.map(InputPath.init) }
        switch InputPath.resolving(configuration.inputs, argumentBytes: argumentBytes) {
        case .success(let paths):
            return paths
        case .failure(let ambiguous):
            throw JobError(.usage, ambiguous.message)
        }
    }

    /// Opening an input may wait for ever (a FIFO blocks in open(2) until a writer comes), and the
    /// job's SIGINT/SIGTERM handlers are installed only after the catalog: meanwhile the signals
    /// must keep the disposition the process inherited (by default they end it, status 130/143).
    /// Nothing is ignored here; the two signals are only unblocked in this thread, because a
    /// blocked mask is inherited across exec (a parent that blocks them would otherwise leave the
    /// process deaf while it waits).
    private static func keepStopSignalsDeliverable() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
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

    /// Opens input `index` for reading: the source kept from the check, or the file opened again.
    /// A kept source (a pipe, FIFO, stdin) gives up waiting for bytes once `stopWaiting` is true.
    func open(_ index: Int, stopWaiting: @escaping () -> Bool = { false }) -> Result<ByteSource, TriageIOError> {
        if let (source, file) = kept.removeValue(forKey: index) {
            file.stopWaiting = stopWaiting
            return .success(source)
        }
        do {
            return .success(try InputOpener.open(entries[index].path).source)
        } catch {
            return .failure(error)
        }
    }
}
