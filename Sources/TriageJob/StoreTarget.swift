import TriageCore
import TriageIO
import TriageStore

/// The embedded SQLite findings store as a batch target: one transaction per batch.
public final class StoreTarget: BatchTarget {
    private let store: FindingsStore
    /// `store:<path>`.
    public let name: String

    /// Opens the store at `path` (it must exist: `triage import` creates it).
    public init(path: String, durable: Bool) throws(JobError) {
        var options = StoreOptions()
        // With a journal, every batch the journal records must be on disk first.
        options.synchronous = durable ? "FULL" : "NORMAL"
        do {
            store = try FindingsStore(path: path, options: options, create: false)
        } catch {
            throw JobError(.target, "store \(path): \(error.message)")
        }
        name = "store:\(path)"
    }

    /// SQLite has one writer: more batches in flight only queue up.
    public var defaultConcurrency: Int { 2 }

    /// Applies a batch in one transaction; a failed transaction fails each of its records with
    /// `InternalFailure` (nothing of it applied).
    public func apply(_ batch: PlannedBatch) -> [Outcome] {
        let now = Timestamp.rfc3339(milliseconds: Timestamp.nowMilliseconds())
        do {
            return try store.apply(
                batch: batch.members.map { (sequence: $0.sequence, identifier: $0.identifier) }, update: batch.update.update,
                now: now)
        } catch {
            return Array(repeating: .failed(.internalFailure, "store: \(error.message)"), count: batch.members.count)
        }
    }
}
