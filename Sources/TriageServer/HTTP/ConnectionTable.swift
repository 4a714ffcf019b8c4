/// The connections a server holds against its limit, and which one gives way to a new one
/// (`docs/serve.md`, connections): below the limit a new connection is simply held; at the limit the
/// connection idle the longest (no request in progress: it never sent one, or it is between
/// requests on keep-alive) is dropped for it; only when every held connection has a request in
/// progress is the new one refused. A value-type state machine with no threads and no clock (idle
/// order is the order in which connections became idle), so that tests drive it directly;
/// ``ConnectionGate`` holds one behind a lock.
package struct ConnectionTable<Connection> {
    /// A held connection's number, never reused.
    package typealias ID = UInt64

    /// What becomes of a new connection.
    package enum Admission {
        /// Held as `id`; `dropping` is the longest-idle connection it replaces, to be closed by the caller.
        case admitted(ID, dropping: Connection?)
        /// Not held: the limit is reached and every held connection has a request in progress.
        case refused
    }

    /// One held connection; idle ones are also linked from the oldest idle to the newest.
    private struct Entry {
        var connection: Connection
        /// Requests whose head arrived and whose answer has not been written yet.
        var requestsInProgress = 0
        var olderIdle: ID?
        var newerIdle: ID?
    }

    /// The most connections held at once (at least 1).
    package let limit: Int
    private var entries: [ID: Entry] = [:]
    private var oldestIdle: ID?
    private var newestIdle: ID?
    private var nextID: ID = 0

    /// A table holding at most `limit` connections.
    package init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Connections held now.
    package var count: Int { entries.count }

    /// The idle connections, the longest idle first (the order in which they would be dropped).
    package var idleOrder: [ID] {
        var order: [ID] = []
        var next = oldestIdle
        while let id = next {
            order.append(id)
            next = entries[id]?.newerIdle
        }
        return order
    }

    /// A new connection, idle until its first request: held, replacing the longest-idle one at the
    /// limit, or refused when every held connection has a request in progress.
    package mutating func open(_ connection: Connection) -> Admission {
        var dropping: Connection?
        if entries.count >= limit {
            guard let oldest = oldestIdle else { return .refused }
            dropping = remove(oldest)
        }
        let id = nextID
        nextID += 1
        entries[id] = Entry(connection: connection)
        appendIdle(id)
        return .admitted(id, dropping: dropping)
    }

    /// A request's head arrived on `id`: it is busy until each of its requests is answered. False when
    /// `id` is no longer held (it was dropped for a newer connection just before): the caller must not
    /// process the request, as the connection is being closed.
    package mutating func requestStarted(_ id: ID) -> Bool {
        guard let entry = entries[id] else { return false }
        if entry.requestsInProgress == 0 { unlinkIdle(id) }
        entries[id]?.requestsInProgress += 1
        return true
    }

    /// An answer's end was written on `id`: once none is left in progress, `id` is the newest idle
    /// connection. An answer with no request counted (an error answered before any head) changes nothing.
    package mutating func responseEnded(_ id: ID) {
        guard let entry = entries[id], entry.requestsInProgress > 0 else { return }
        entries[id]?.requestsInProgress -= 1
        if entry.requestsInProgress == 1 { appendIdle(id) }
    }

    /// `id` closed (by its client, the idle timeout or an error); nothing when it was dropped already.
    package mutating func closed(_ id: ID) {
        remove(id)
    }

    /// Forgets `id`, returning its connection.
    @discardableResult
    private mutating func remove(_ id: ID) -> Connection? {
        guard let entry = entries[id] else { return nil }
        if entry.requestsInProgress == 0 { unlinkIdle(id) }
        entries[id] = nil
        return entry.connection
    }

    /// Links `id` as the newest idle connection.
    private mutating func appendIdle(_ id: ID) {
        entries[id]?.olderIdle = newestIdle
        entries[id]?.newerIdle = nil
        if let newestIdle { entries[newestIdle]?.newerIdle = id } else { oldestIdle = id }
        newestIdle = id
    }

    /// Unlinks `id` from the idle connections.
    private mutating func unlinkIdle(_ id: ID) {
        guard let entry = entries[id] else { return }
        if let older = entry.olderIdle {
            entries[older]?.newerIdle = entry.newerIdle
        } else {
            oldestIdle = entry.newerIdle
        }
        if let newer = entry.newerIdle {
            entries[newer]?.olderIdle = entry.olderIdle
        } else {
            newestIdle = entry.olderIdle
        }
        entries[id]?.olderIdle = nil
        entries[id]?.newerIdle = nil
    }
}
