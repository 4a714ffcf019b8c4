/// How the findings store opens its SQLite file. The defaults suit a batch run on a machine with a
/// few GiB of memory; the page cache and the memory map count towards the resident set size.
package struct StoreOptions: Sendable {
    /// What opening may do to the file, and what the connection may do after.
    ///
    /// Whatever the access, the file is first inspected read-only (``StoreProbe``): another
    /// application's database, a damaged file or a newer store is refused before anything is
    /// written to it.
    package enum Access: Sendable, Equatable {
        /// `import`: creates the file when it is missing and initialises an empty one (0 bytes, or
        /// an SQLite database without any schema); migrates an older store; WAL mode.
        case create
        /// `apply`: the file must already be a findings store (a missing or empty one is refused:
        /// `CannotOpen`, `Empty`); migrates an older store; WAL mode.
        case update
        /// `export`: nothing is ever written; the file must be an up-to-date findings store.
        case readOnly
        /// A rehearsal of `apply` (`--dry-run` against the store): like ``update``, but every
        /// change stays in one transaction, begun at open and rolled back by
        /// ``FindingsStore/finishRehearsal()`` (or when the store goes away), so the batches see
        /// each other's changes as in a real run and the file never does. No migration (the store
        /// must be up to date), no change of journal mode, no checkpoint; the page cache does not
        /// spill, so the pages changed stay in memory until the rollback.
        case rehearsal
    }

    /// What opening may do; ``Access/create`` by default.
    package var access = Access.create
    /// Open without writing (``Access/readOnly``; setting `false` means ``Access/create``).
    package var readOnly: Bool {
        get { access == .readOnly }
        set { access = newValue ? .readOnly : .create }
    }
    /// SQLite page cache, in KiB (`PRAGMA cache_size = -N`). Default 256 MiB.
    package var cacheSizeKiB = 256 * 1024
    /// Bytes of the file SQLite reads through `mmap` (`PRAGMA mmap_size`). Default 0 (off): with
    /// the page cache above it gave no measurable gain and mapped pages count towards the RSS.
    package var mmapSize = 0
    /// Page size in bytes for a new file (`PRAGMA page_size`); ignored for an existing one.
    package var pageSize = 4096
    /// WAL pages after which a checkpoint starts (`PRAGMA wal_autocheckpoint`, or a background
    /// round with ``backgroundCheckpoint``). Default 50,000
    /// (a WAL of up to about 200 MB with 4 KiB pages): fewer, larger checkpoints write each page
    /// once for several updates, 1.5× the update rate of SQLite's default of 1,000 pages.
    package var walAutocheckpointPages = 50_000
    /// Checkpoint on a thread and connection of their own (``BackgroundCheckpointer``) once the
    /// WAL holds `walAutocheckpointPages`, instead of inside the commit that crosses it.
    package var backgroundCheckpoint = true
    /// `PRAGMA synchronous`: `NORMAL` (the default: in WAL mode a commit survives a process
    /// crash, the last commits may be lost on power failure), `FULL` (fsync at every commit) or
    /// `OFF` (no fsync at all; for throw-away stores).
    package var synchronous = "NORMAL"
    /// Seconds to wait for another process's write lock before failing with `Busy`.
    package var busyTimeoutSeconds = 5.0
    /// Most read-only connections GetFindings queries use beside the writer (``ReaderPool``);
    /// more concurrent queries share them. Default 4.
    package var readers = 4
    /// Page cache of each reader, in KiB. Default 32 MiB (the writer's cache holds the hot pages
    /// of imports and updates; readers' pages are mostly read once per page of results).
    package var readerCacheSizeKiB = 32 * 1024

    /// The defaults.
    package init() {}
}
