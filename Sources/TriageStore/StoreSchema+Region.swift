import GRDB

extension StoreSchema {
    /// Migration `v4-region-indexes`: the indexes of the columns of few values hold the Region
    /// second (``IndexedColumn/isRegional``), so that a caller who sees some Regions reads exactly
    /// their rows of a value, in order (``QueryPlan``). Rebuilds each index whose definition is
    /// not the current one (a store that `v2-query` built after the change already has them);
    /// every row stays.
    static func regionalIndexes(_ db: Database) throws {
        for column in IndexedColumn.allCases where column.isRegional {
            let wanted = "CREATE INDEX \(column.indexName) ON finding (\(column.indexColumns))"
            let current = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                arguments: [column.indexName])
            // A missing index (a bulk load cut short) is built by the next writable open.
            guard let current, current != wanted else { continue }
            try db.execute(sql: "DROP INDEX \(column.indexName)")
            try db.execute(sql: wanted)
        }
    }
}
