import GRDB

extension FindingsStore {
    /// Runs `body` (a bulk import into an empty store) with the query indexes
    /// (``IndexedColumn``) dropped, and builds them once at the end: one sort per index instead
    /// of a random insert into each of nine B-trees per finding (measured on 1M findings: 363 s
    /// with the indexes kept, see the README's "Performance"). A store that already holds
    /// findings keeps its indexes (rebuilding them for a small import would cost more).
    ///
    /// If the process dies before the end, the next writable open builds the missing indexes
    /// (``StoreSchema/ensureQueryIndexes(_:)``).
    /// - Throws: ``StoreError`` from dropping or building the indexes, or what `body` throws.
    package func bulkLoad<T>(_ body: () throws -> T) throws -> T {
        let empty = try count() == 0
        if empty { try write("dropping the query indexes") { db in try StoreSchema.dropQueryIndexes(db) } }
        let result = try body()
        if empty { try write("building the query indexes") { db in try StoreSchema.ensureQueryIndexes(db) } }
        return result
    }
}

extension StoreSchema {
    /// Creates every query index that is missing (all of them after a bulk load).
    static func ensureQueryIndexes(_ db: Database) throws {
        for column in IndexedColumn.allCases {
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS \(column.indexName) ON finding (\(column.indexColumns))")
        }
    }

    /// Drops every query index (for a bulk load).
    static func dropQueryIndexes(_ db: Database) throws {
        for column in IndexedColumn.allCases { try db.execute(sql: "DROP INDEX IF EXISTS \(column.indexName)") }
    }
}
