import NIOCore
import Synchronization

/// The open connections of a running server against its limit (`docs/serve.md`, connections), so
/// that idle connections can never use up the process's file descriptors nor keep new clients out:
/// at the limit, a new connection replaces the one idle the longest (closed at once), and is itself
/// closed at once only when every open connection has a request in progress. Connections live on
/// different event loops, so the ``ConnectionTable`` sits behind a `Mutex`, taken when a connection
/// opens or closes and when a request starts or its answer ends; the connection given up is closed
/// outside the lock (`Channel.close` may be called from any thread).
package final class ConnectionGate: Sendable {
    /// What the gate keeps behind its lock.
    private struct State {
        var table: ConnectionTable<any Channel>
        /// Connections closed for a newer one, and when that was last reported.
        var dropped = 0
        var droppedReported: Int64?
        /// New connections refused because every open one was busy, and when that was last reported.
        var refused = 0
        var refusedReported: Int64?
    }

    /// The most connections open at once.
    package let limit: Int
    private let state: Mutex<State>
    /// Where closings are reported (at most one line of each kind per ``reportIntervalMilliseconds``).
    private let report: @Sendable (String) -> Void
    /// Milliseconds of a monotonic clock (``JobClock/monotonicMilliseconds``), for the reports' pace.
    private let now: @Sendable () -> Int64

    /// How often each kind of closing is reported at most: every 10 s.
    static let reportIntervalMilliseconds: Int64 = 10_000

    /// A gate holding `limit` connections, writing one line to `report` when it starts closing
    /// connections at the limit (and again at most every ten seconds of `now` while it goes on).
    package init(limit: Int, now: @escaping @Sendable () -> Int64, report: @escaping @Sendable (String) -> Void) {
        self.limit = limit
        self.state = Mutex(State(table: ConnectionTable(limit: limit)))
        self.now = now
        self.report = report
    }

    /// Whether a note last written at `reported` may be written again at `now` (at most one per
    /// ``reportIntervalMilliseconds``); if so, `reported` becomes `now`.
    private static func isDue(_ reported: inout Int64?, now: Int64) -> Bool {
        if let last = reported, now - last < reportIntervalMilliseconds { return false }
        reported = now
        return true
    }

    /// Holds the new connection `channel`, closing the longest-idle one at the limit: its number, or nil
    /// when every open connection has a request in progress and the caller closes `channel` at once.
    func connectionOpened(_ channel: any Channel) -> ConnectionTable<any Channel>.ID? {
        let now = self.now()
        let (admission, line): (ConnectionTable<any Channel>.Admission, String?) = state.withLock { state in
            let admission = state.table.open(channel)
            switch admission {
            case .admitted(_, dropping: nil):
                return (admission, nil)
            case .admitted:
                state.dropped += 1
                guard Self.isDue(&state.droppedReported, now: now) else { return (admission, nil) }
                return (
                    admission,
                    "triage serve: \(limit) connections open (--max-connections): closing the longest-idle "
                        + "connection for each new one (\(state.dropped) closed so far)"
                )
            case .refused:
                state.refused += 1
                guard Self.isDue(&state.refusedReported, now: now) else { return (admission, nil) }
                return (
                    admission,
                    "triage serve: \(limit) connections open (--max-connections), each with a request in progress: "
                        + "closing new connections at once until one is answered (\(state.refused) refused so far)"
                )
            }
        }
        if let line { report(line) }
        switch admission {
        case .admitted(let id, let dropping):
            dropping?.close(promise: nil)
            return id
        case .refused:
            return nil
        }
    }

    /// A request's head arrived on connection `id`, which may not be closed for a newer one until it
    /// is answered; false when it was closed for one just before, and the request must not be processed.
    func requestStarted(_ id: ConnectionTable<any Channel>.ID) -> Bool {
        state.withLock { $0.table.requestStarted(id) }
    }

    /// An answer's end was written on connection `id`.
    func responseEnded(_ id: ConnectionTable<any Channel>.ID) {
        state.withLock { $0.table.responseEnded(id) }
    }

    /// Connection `id` closed.
    func connectionClosed(_ id: ConnectionTable<any Channel>.ID) {
        state.withLock { $0.table.closed(id) }
    }

    /// Connections open now (those closed for a newer one or refused not counted).
    package var openCount: Int { state.withLock { $0.table.count } }
}
