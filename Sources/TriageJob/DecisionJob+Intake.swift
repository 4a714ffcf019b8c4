import Dispatch
import TriageCore
import TriageIO

/// The reading loop on the calling thread: decoded records into the intake, until the inputs
/// end or the run is stopped.
extension DecisionJob {
    /// Starts the I/O and decoding threads and takes every record they hand on. Returns whether
    /// every input was read to its end (false: stopped early, the rest is left for `--resume`).
    /// Throws the decoding stage's fatal input error after the stages are wound down.
    func consumeInputs(
        _ catalog: InputCatalog, into intake: inout RecordIntake, progress: ProgressLine, dispatcher: LaneDispatcher?
    ) throws(JobError) -> Bool {
        let (configuration, stop) = (self.configuration, self.stop)
        // I/O thread → decoding thread → this thread, each hand-over bounded.
        let pieces = BoundedChannel<ReadEvent>(capacity: 8)
        let decoded = BoundedChannel<DecodedEvent>(capacity: 8)
        let reading = DispatchGroup()
        DispatchQueue(label: "triage.read").async(group: reading) {
            Self.readInputs(catalog, into: pieces, stop: stop)
        }
        DispatchQueue(label: "triage.decode").async(group: reading) {
            Self.decodeInputs(catalog, configuration, from: pieces, into: decoded)
        }
        // The reader cuts an input short only once a stop was requested, and the stop is checked
        // before each event: an input counts as read only when its end is taken here unstopped.
        var inputsEnded = 0
        var fatal: JobError?
        var drained = true
        while let event = decoded.receive() {
            if stop.isRequested {
                drained = false
                break
            }
            switch event {
            case .start(let input):
                intake.counts.markStart(input: input, at: configuration.clock.wallMilliseconds())
            case .records(let input, let records):
                for record in records { intake.take(record, input: input) }
                progress.recordsRead.add(records.count, ordering: .relaxed)
            case .end(let input):
                intake.counts.markEnd(input: input, at: configuration.clock.wallMilliseconds())
                inputsEnded += 1
            case .failed(let error):
                fatal = error
                stop.request(.signal)
            }
            if fatal != nil {
                drained = false
                break
            }
        }
        // The stages end once their channel is drained (a closed channel answers nil once).
        if !drained { while decoded.receive() != nil {} }
        reading.wait()
        if let fatal {
            intake.discardOpenBatches()
            _ = dispatcher?.waitForAll()  // a fatal input error: no report, nothing to resume
            throw fatal
        }
        return inputsEnded == catalog.entries.count && !stop.isRequested
    }
}
