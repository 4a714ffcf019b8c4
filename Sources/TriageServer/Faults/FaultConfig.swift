/// The faults `triage serve` injects (the config's `faults`; all off by default), for testing
/// clients against failures. Every request draws its faults from one PRNG seeded with ``seed``
/// (`FaultInjector`), so the same seed and the same request sequence inject the same faults.
package struct FaultConfig: Sendable, Equatable {
    /// The PRNG's seed.
    package var seed: UInt64
    /// Share of requests, 0...1, answered `500 InternalException` with nothing applied.
    package var internalErrorRate: Double
    /// Share of requests, 0...1, whose connection is closed without an answer: half of them
    /// before anything is applied, half after the write committed.
    package var dropConnectionRate: Double
    /// Milliseconds added to every answer, 0...60,000.
    package var latencyMs: Int
    /// Share of the findings of an otherwise good BatchUpdateFindings, 0...1, answered as
    /// unprocessed (`ConcurrentUpdateError` or `InternalFailure`, half each) and not applied.
    package var unprocessedRate: Double

    /// A configuration; every fault off unless given.
    package init(
        seed: UInt64 = 0, internalErrorRate: Double = 0, dropConnectionRate: Double = 0, latencyMs: Int = 0,
        unprocessedRate: Double = 0
    ) {
        self.seed = seed
        self.internalErrorRate = internalErrorRate
        self.dropConnectionRate = dropConnectionRate
        self.latencyMs = latencyMs
        self.unprocessedRate = unprocessedRate
    }

    /// The most `latencyMs` may be: past a minute an SDK's read timeout fires first.
    package static let maxLatencyMs = 60_000

    /// Whether any request can draw a fault (any rate above 0; latency is not drawn).
    package var drawsFaults: Bool {
        internalErrorRate > 0 || dropConnectionRate > 0 || unprocessedRate > 0
    }
}
