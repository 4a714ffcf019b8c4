import GRDB

extension FindingsStore {
    /// Ends a rehearsal (``StoreOptions/Access/rehearsal``): rolls back its transaction, so that
    /// nothing of it reaches the file, and closes the store. Later calls that write fail with
    /// ``StoreError``; calling it again does nothing. The store calls it when it goes away, too.
    ///
    /// Does nothing for a store that is not rehearsing.
    /// - Throws: ``StoreError`` when SQLite fails to roll back or close (nothing was committed
    ///   either way: the transaction never commits).
    package func finishRehearsal() throws(StoreError) {
        guard let rehearsal, !rehearsal.finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        defer { rehearsal.closeReader() }
        do {
            try queue.inDatabase { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK TRANSACTION") }
            }
            try queue.close()
        } catch {
            throw StoreError.wrapping(error, action: "ending the rehearsal", path: path)
        }
    }

    /// Whether the store is rehearsing (opened with ``StoreOptions/Access/rehearsal``).
    package var isRehearsal: Bool { rehearsal != nil }
}
