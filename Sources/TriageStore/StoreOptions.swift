/// How the findings store opens its SQLite file. The defaults suit a batch run on a machine with a
/// few GiB of memory; the page cache and the memory map count towards the resident set size.
package struct StoreOptions: Sendable {
    /// Open without writing (no migration; `import` and `apply` fail with `ReadOnly`).
    package var readOnly = false
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

    /// The defaults.
    package init() {}
}
