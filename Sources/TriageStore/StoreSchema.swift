import GRDB

/// The findings store's SQLite layout and its migrations.
///
/// Three tables, so that applying decisions touches only small rows:
/// - `finding`, one narrow row per finding keyed by (`product_arn`, `id`) (a `WITHOUT ROWID`
///   table: one B-tree descent per lookup), holding the values filters use (`aws_account_id`,
///   `region` from the `ProductArn`, `workflow_status`, `record_state`, `compliance_status`,
///   `updated_at` as written), the customer state as a small JSON object, the owned-field mask,
///   the provider document's residual size for the 240 KB check, and the document's row id;
///   since `v2-query` also `severity_label` and `updated_key` (``IndexedValues``), and indexes
///   for GetFindings (``addQueryColumns(_:)``); since `v3-history` also `history_head`, the id of
///   the finding's newest history record (0 for none);
/// - `finding_document`, the provider's document as imported (unknown members survive byte for
///   byte), written only by imports;
/// - `finding_history` (since `v3-history`), the changes `triage serve` made to findings, for
///   `GetFindingHistory` (``FindingHistory``, ``addHistory(_:)``).
enum StoreSchema {
    /// `PRAGMA application_id` of a triage store ("TRIA").
    static let applicationID: Int32 = 0x5452_4941

    /// The migrations, in order. Never edit a shipped one; add another.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-findings") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(
                sql: """
                    CREATE TABLE finding (
                        product_arn TEXT NOT NULL,
                        id TEXT NOT NULL,
                        aws_account_id TEXT NOT NULL,
                        region TEXT NOT NULL,
                        workflow_status TEXT,
                        record_state TEXT NOT NULL,
                        compliance_status TEXT,
                        updated_at TEXT NOT NULL,
                        document_id INTEGER NOT NULL,
                        provider_bytes INTEGER NOT NULL,
                        owned INTEGER NOT NULL,
                        customer_state BLOB NOT NULL,
                        PRIMARY KEY (product_arn, id)
                    ) WITHOUT ROWID;
                    CREATE TABLE finding_document (
                        document_id INTEGER PRIMARY KEY,
                        body BLOB NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-query") { db in try addQueryColumns(db) }
        migrator.registerMigration("v3-history") { db in try addHistory(db) }
        migrator.registerMigration("v4-region-indexes") { db in try regionalIndexes(db) }
        return migrator
    }

    /// Migration `v3-history`: the finding history (``FindingHistory``).
    ///
    /// `finding_history` is a rowid table whose key, `history_id`, grows in commit order: records
    /// are appended at its right edge, and expired ones are a range at its left edge. Each record
    /// names the finding's record before it (`previous`, 0 for none) and each finding its newest
    /// (`history_head`), so a finding's history is a chain read newest first without an index.
    /// `update_time` is epoch milliseconds; `source` is ``FindingHistory/SourceType``'s raw value;
    /// `identity` is the caller's ARN (NULL for an import: the finding's `ProductArn`); `updates`
    /// is the `Updates` JSON array as answered. Adding a column with a default rewrites no row:
    /// the migration is instant on any store, and its findings start with no history.
    static func addHistory(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE finding ADD COLUMN history_head INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE finding_history (
                    history_id INTEGER PRIMARY KEY,
                    previous INTEGER NOT NULL,
                    update_time INTEGER NOT NULL,
                    source INTEGER NOT NULL,
                    created INTEGER NOT NULL,
                    identity TEXT,
                    updates BLOB NOT NULL
                );
                """)
    }
}
