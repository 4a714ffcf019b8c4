import TriageCore
import TriageIO

/// The two stages before this thread: reading (I/O and gzip) and decoding (parsing and checking).
extension DecisionJob {
    /// What the I/O stage hands on.
    enum ReadEvent: Sendable {
        case start(Int)
        case piece(Int, InputPiece)
        case end(Int)
    }

    /// What the decoding stage hands on: records in input order.
    enum DecodedEvent: Sendable {
        case start(Int)
        case records(Int, [DecodedRecord])
        case end(Int)
        /// A fatal input problem (an unusable CSV header met on standard input); nothing after it.
        case failed(JobError)
    }

    /// The I/O thread: every input in order, cut into pieces.
    static func readInputs(_ catalog: InputCatalog, into channel: BoundedChannel<ReadEvent>, stop: StopSignal) {
        defer { channel.close() }
        for index in catalog.entries.indices {
            if stop.isRequested { return }
            channel.send(.start(index))
            switch catalog.open(index, stopWaiting: { stop.isRequested }) {
            case .failure(let error):
                channel.send(.piece(index, .failed(error, lastLine: 0)))
            case .success(let source):
                let reader = InputPieceReader(source: source, format: catalog.entries[index].format)
                while !stop.isRequested, let piece = reader.next() { channel.send(.piece(index, piece)) }
            }
            channel.send(.end(index))
        }
    }

    /// The decoding thread: pieces into checked records, one update cache for the whole run.
    static func decodeInputs(
        _ catalog: InputCatalog, _ configuration: RunConfiguration, from pieces: BoundedChannel<ReadEvent>,
        into decoded: BoundedChannel<DecodedEvent>
    ) {
        let lines = DecisionLineDecoder(defaultNoteAuthor: configuration.defaultNoteAuthor)
        var decoder: DecisionDecoder?
        defer { decoded.close() }
        while let event = pieces.receive() {
            var records: [DecodedRecord] = []
            do throws(TriageIOError) {
                switch event {
                case .start(let input):
                    decoder = DecisionDecoder(
                        format: catalog.entries[input].format, maxLineBytes: configuration.maxLineBytes,
                        defaultNoteAuthor: configuration.defaultNoteAuthor, lines: lines)
                    decoded.send(.start(input))
                case .piece(let input, let piece):
                    try decoder!.decode(piece) { records.append($0) }
                    if !records.isEmpty { decoded.send(.records(input, records)) }
                case .end(let input):
                    try decoder!.finish { records.append($0) }
                    if !records.isEmpty { decoded.send(.records(input, records)) }
                    decoded.send(.end(input))
                    decoder = nil
                }
            } catch {
                let input: Int
                switch event {
                case .start(let index), .piece(let index, _), .end(let index): input = index
                }
                decoded.send(.failed(JobError(.badInput, "\(catalog.entries[input].name): \(error.message)")))
                while pieces.receive() != nil {}
                return
            }
        }
    }
}
