import Synchronization
import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// One line per request (`docs/serve.md`): time, request id, caller account, the Region of
/// its credential scope (an addition to serve.md, for per-Region rates), operation,
/// status, findings in and out, latency, and for a write the store's commit number (the order in
/// which requests committed). Never a secret, a session token or a signature: only these fields
/// are ever written.
package final class RequestLog: Sendable {
    /// What one line says.
    package struct Entry: Sendable {
        /// When the request arrived, epoch milliseconds.
        package var arrived: Int64
        /// The `x-amzn-RequestId` answered.
        package var requestId: String
        /// The caller's account once authenticated, else `-`.
        package var account = "-"
        /// The Region of the caller's credential scope once authenticated, else `-`.
        package var region = "-"
        /// The operation's name, or `-` for an unknown one.
        package var operation = "-"
        /// The HTTP status answered; 0 when the connection was dropped without an answer.
        package var status = 0
        /// Findings in the request (identifiers, or findings imported).
        package var findingsIn = 0
        /// Findings in the answer (processed, imported, or returned).
        package var findingsOut = 0
        /// The store's commit number of a write, if it committed.
        package var commit: Int?
        /// The error shape answered, if any.
        package var error: String?
    }

    private let sink: @Sendable (String) -> Void
    private let lock = Mutex(())

    /// A log writing each line to `sink` (serialised: lines never interleave).
    package init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// A log on standard error, one `write(2)` per line.
    package static func standardError() -> RequestLog {
        RequestLog { line in
            var bytes = Array(line.utf8)
            bytes.append(0x0A)
            _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        }
    }

    /// Writes the line for `entry`, which took `latencyMs` milliseconds.
    package func write(_ entry: Entry, latencyMs: Double) {
        var line =
            "\(Timestamp.rfc3339(milliseconds: entry.arrived)) \(entry.requestId) \(entry.account) \(entry.region)"
            + " \(entry.operation)"
            + " \(entry.status == 0 ? "dropped" : String(entry.status)) in=\(entry.findingsIn) out=\(entry.findingsOut)"
            + " \(Self.milliseconds(latencyMs))ms"
        if let commit = entry.commit { line += " commit=\(commit)" }
        if let error = entry.error { line += " error=\(error)" }
        lock.withLock { _ in sink(line) }
    }

    /// Writes `line` as it is (the server's own notes, between the request lines).
    package func note(_ line: String) {
        lock.withLock { _ in sink(line) }
    }

    private static func milliseconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
