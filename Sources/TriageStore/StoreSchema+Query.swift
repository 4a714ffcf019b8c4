import GRDB
import GRDBSQLite
import TriageCore

extension StoreSchema {
    /// Rows the `v2-query` migration rewrites per statement round (memory stays flat).
    static let migrationChunk = 1000

    /// Migration `v2-query`: the columns and indexes GetFindings needs.
    ///
    /// Adds `severity_label` and `updated_key`, fills them (and recomputes `region`) for every
    /// stored row from its document and state (``IndexedValues``), then creates one index per
    /// ``IndexedColumn`` so that a page filtered on it in the default order is read in order.
    static func addQueryColumns(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE finding ADD COLUMN severity_label TEXT;
                ALTER TABLE finding ADD COLUMN updated_key INTEGER NOT NULL DEFAULT 0;
                """)
        try fillQueryColumns(db)
        for column in IndexedColumn.allCases {
            try db.execute(sql: "CREATE INDEX \(column.indexName) ON finding (\(column.indexColumns))")
        }
    }

    /// Computes the derived columns of every row, in key order, a chunk at a time.
    private static func fillQueryColumns(_ db: Database) throws {
        let select = try RawStatement(
            db,
            sql: """
                SELECT f.product_arn, f.id, f.customer_state, f.owned, d.body FROM finding f
                JOIN finding_document d ON d.document_id = f.document_id
                WHERE (f.product_arn, f.id) > (?1, ?2) ORDER BY f.product_arn, f.id LIMIT \(migrationChunk)
                """)
        let update = try RawStatement(
            db,
            sql: """
                UPDATE finding SET region = ?1, severity_label = ?2, updated_key = ?3
                WHERE product_arn = ?4 AND id = ?5
                """)
        defer {
            select.finalize()
            update.finalize()
        }
        var after = (productArn: "", id: "")
        while true {
            select.bind(after.productArn, at: 1)
            select.bind(after.id, at: 2)
            var chunk: [(key: (productArn: String, id: String), values: IndexedValues)] = []
            var result = select.step()
            while result == SQLITE_ROW {
                let owned = OwnedFields(rawValue: select.int(at: 3))
                let state = try select.withBlob(at: 2) { bytes in try CustomerState(encoded: bytes, owned: owned) }
                let values = try select.withBlob(at: 4) { body in try IndexedValues(document: body, state: state) }
                chunk.append(((select.text(at: 0) ?? "", select.text(at: 1) ?? ""), values))
                result = select.step()
            }
            select.reset()
            guard result == SQLITE_DONE else { throw select.error(result) }
            guard let last = chunk.last else { return }
            for (key, values) in chunk {
                update.bind(values.region, at: 1)
                update.bind(values.severityLabel, at: 2)
                update.bind(Int(values.updatedKey), at: 3)
                update.bind(key.productArn, at: 4)
                update.bind(key.id, at: 5)
                try update.execute()
            }
            after = last.key
        }
    }
}
