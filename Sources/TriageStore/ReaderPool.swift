import GRDB
import Synchronization

/// Read-only connections to the store's file, beside its one writer: in WAL mode each reads a
/// snapshot of the last commit while the writer writes, so a query never waits for an import.
///
/// At most ``capacity`` connections, opened on first use and kept for reuse. A read takes the
/// connection with the fewest reads in progress (an idle one when there is one, a new one while
/// fewer than ``capacity`` are open); past that, reads share connections, each of which runs its
/// reads one after another on its own serial queue. Connections are opened
/// `SQLITE_OPEN_READONLY`: they never write, migrate or checkpoint.
final class ReaderPool: Sendable {
    /// Most connections open at once.
    let capacity: Int
    private let path: String
    private let cacheSizeKiB: Int
    private let busyTimeoutSeconds: Double
    /// The open connections and the reads in progress on each.
    private let state = Mutex<[(queue: DatabaseQueue, reads: Int)]>([])

    /// A pool on the file at `path`; nothing is opened yet.
    init(path: String, capacity: Int, cacheSizeKiB: Int, busyTimeoutSeconds: Double) {
        self.path = path
        self.capacity = max(1, capacity)
        self.cacheSizeKiB = cacheSizeKiB
        self.busyTimeoutSeconds = busyTimeoutSeconds
    }

    /// The connections open now (for tests).
    var openCount: Int { state.withLock { $0.count } }

    /// Runs `body` in a read transaction (one snapshot) on one of the connections.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        let (index, queue) = try lease()
        defer { state.withLock { $0[index].reads -= 1 } }
        return try queue.read(body)
    }

    /// The least busy connection, opening one when all are busy and the pool is not full.
    private func lease() throws -> (Int, DatabaseQueue) {
        let chosen = state.withLock { entries -> (Int, DatabaseQueue)? in
            guard let index = entries.indices.min(by: { entries[$0].reads < entries[$1].reads }),
                entries[index].reads == 0 || entries.count >= capacity
            else { return nil }
            entries[index].reads += 1
            return (index, entries[index].queue)
        }
        if let chosen { return chosen }
        let queue = try open()
        return state.withLock { entries in
            // Another caller may have filled the pool meanwhile: share the least busy then.
            if entries.count >= capacity, let index = entries.indices.min(by: { entries[$0].reads < entries[$1].reads })
            {
                entries[index].reads += 1
                return (index, entries[index].queue)
            }
            entries.append((queue, 1))
            return (entries.count - 1, queue)
        }
    }

    private func open() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.label = "triage.store.reader"
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.publicStatementArguments = false
        let cacheSizeKiB = cacheSizeKiB
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(cacheSizeKiB)")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
