import Synchronization

/// The open connections of a running server against its limit (`docs/serve.md`, connections): a
/// connection past the limit is closed at once, so that idle connections can never use up the
/// process's file descriptors while the clients already connected are still served. Thread-safe:
/// the count is an atomic; the refusal report sits behind a `Mutex`, taken on refusals only.
package final class ConnectionGate: Sendable {
    /// The most connections open at once.
    package let limit: Int
    private let open = Atomic<Int>(0)
    /// When a refusal was last reported, and how many connections were refused in all.
    private let refusals = Mutex<(reported: ContinuousClock.Instant?, count: Int)>((nil, 0))
    /// Where refusals are reported (at most one line per ``reportInterval``).
    private let report: @Sendable (String) -> Void

    /// How often a refusal is reported at most.
    static let reportInterval = Duration.seconds(10)

    /// A gate letting `limit` connections in, writing one line to `report` when it starts refusing
    /// (and again at most every ten seconds while it goes on refusing).
    package init(limit: Int, report: @escaping @Sendable (String) -> Void) {
        self.limit = limit
        self.report = report
    }

    /// Counts a new connection in: false when ``limit`` were open already, and the caller closes it
    /// (it counts until ``connectionClosed()``, like any other).
    func connectionOpened() -> Bool {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        if count <= limit { return true }
        let now = ContinuousClock.now
        let line: String? = refusals.withLock { refusals in
            refusals.count += 1
            if let reported = refusals.reported, reported.duration(to: now) < Self.reportInterval { return nil }
            refusals.reported = now
            return "triage serve: \(limit) connections open (--max-connections): closing new connections at once "
                + "until some close (\(refusals.count) closed so far)"
        }
        if let line { report(line) }
        return false
    }

    /// Counts a connection out.
    func connectionClosed() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    /// Connections open now (refused ones until they are closed).
    package var openCount: Int { open.load(ordering: .relaxed) }
}
