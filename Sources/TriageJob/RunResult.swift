import TriageIO

/// What a run did: its summary and the files it wrote.
public struct RunResult: Sendable {
    /// The report summary (counts add up: `records = processed + failed`).
    public var records: Int
    /// Records processed.
    public var processed: Int
    /// Records failed.
    public var failed: Int
    /// Requests sent or planned.
    public var requests: Int
    /// Whether a signal stopped the run early.
    public var interrupted: Bool
    /// Seconds from start to end.
    public var seconds: Double
    /// Reports written, as (kind, path).
    public var reports: [(kind: String, path: String)]
    /// Failed records by code, sorted by code.
    public var errors: [(code: String, count: Int)]

    /// 0 every record processed; 1 at least one failed; 3 interrupted (`shared/spec/cli.md`).
    public var exitCode: Int32 {
        if interrupted { return 3 }
        return failed > 0 ? 1 : 0
    }
}
