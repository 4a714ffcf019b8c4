import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the WAL back into the database file on a thread and connection of its own, so that
/// writers do not pay for checkpoints inside their commits.
///
/// SQLite's automatic checkpoint runs in the commit that crosses the threshold: copying tens of
/// thousands of pages and syncing the file, while every other batch waits for the write lock.
/// Here the writer's WAL hook (``walCommitted(_:frames:)``, after each commit) only starts a
/// `PASSIVE` checkpoint on the checkpointer's connection, which copies the frames committed so
/// far without blocking the writer. When the rounds have copied nearly everything, the writer
/// copies the frames left itself (a small `PASSIVE` checkpoint), so that SQLite can start the
/// WAL over at the next write. Durability is SQLite's: a checkpoint only copies committed frames and syncs as the
/// connection's `synchronous` setting says.
///
/// `@unchecked Sendable`: `connection` is used only on `queue` (and `running` says when),
/// `lastFrames` and `rounds` only in the WAL hook; the rest are atomics or set once.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let connection: OpaquePointer
    private let queue = DispatchQueue(label: "triage.checkpoint")
    private let running = Atomic<Bool>(false)
    /// Frames copied by the last background checkpoint of the current WAL (0 after a restart).
    private let copied = Atomic<Int>(0)
    /// Touched only in the WAL hook, which runs on the writer's connection (one thread at a
    /// time): frames in the WAL after the last commit (a smaller count means SQLite restarted
    /// the WAL), and background rounds in the current WAL generation.
    private var lastFrames = 0
    private var rounds = 0
    /// WAL frames that start a background checkpoint.
    let threshold: Int

    /// Opens the checkpointer's connection to the store at `path` (the file must exist, in WAL
    /// mode); `synchronous` as the writer's.
    init(path: String, threshold: Int, synchronous: String) throws {
        var handle: OpaquePointer?
        let result = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: result), message: message)
        }
        connection = handle
        self.threshold = max(1, threshold)
        sqlite3_busy_timeout(handle, 5000)
        sqlite3_exec(handle, "PRAGMA synchronous = \(synchronous)", nil, nil, nil)
    }

    deinit {
        queue.sync {}
        sqlite3_close_v2(connection)
    }

    /// Installs the WAL hook on the writer's connection (replacing SQLite's automatic checkpoint).
    func register(onWriter writer: OpaquePointer) {
        sqlite3_wal_hook(
            writer,
            { context, database, _, frames in
                guard let context, let database else { return SQLITE_OK }
                Unmanaged<BackgroundCheckpointer>.fromOpaque(context).takeUnretainedValue()
                    .walCommitted(database, frames: Int(frames))
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Waits for a checkpoint in progress.
    func waitUntilIdle() {
        queue.sync {}
    }

    /// The writer's WAL hook: `frames` is the number of frames in the WAL after a commit.
    ///
    /// Policy: at `threshold` frames a background round copies what is committed; while it runs
    /// the writer goes on. Once the copy is near the end of the WAL (a quarter of `threshold`
    /// left, or after three rounds) the writer copies the rest itself, which lets SQLite restart
    /// the WAL at the next write. So the WAL stays within a few times `threshold`.
    private func walCommitted(_ writer: OpaquePointer, frames: Int) {
        if frames < lastFrames {
            // SQLite started the WAL over: a new generation.
            copied.store(0, ordering: .relaxed)
            rounds = 0
        }
        lastFrames = frames
        guard frames >= threshold, !running.load(ordering: .acquiring) else { return }
        let done = copied.load(ordering: .relaxed)
        if done > 0 && (frames - done <= threshold / 4 || rounds >= 3) {
            checkpoint(writer)
            return
        }
        rounds += 1
        running.store(true, ordering: .releasing)
        queue.async { [self] in
            checkpoint(connection)
            running.store(false, ordering: .releasing)
        }
    }

    /// A `PASSIVE` checkpoint on `connection`; records how many frames are copied.
    private func checkpoint(_ connection: OpaquePointer) {
        var logged: Int32 = 0
        var done: Int32 = 0
        sqlite3_wal_checkpoint_v2(connection, "main", SQLITE_CHECKPOINT_PASSIVE, &logged, &done)
        if done > 0 { copied.store(Int(done), ordering: .relaxed) }
    }
}
