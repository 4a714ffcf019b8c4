import TriageCore

/// How an injected dropped connection falls: before anything is applied, or after the write
/// committed. `FaultInjector` makes each half of the drops, so that clients meet both a retry
/// that must apply and one that re-applies (BatchUpdateFindings is idempotent; an import of the
/// same `UpdatedAt` is ignored).
package enum DropFault: Sendable, Equatable {
    /// The connection closes after the request was read, before it is applied: nothing applied.
    case beforeApplying
    /// The request is applied and committed, then the connection closes without an answer.
    case afterApplying
}

/// The faults drawn for one request. At most one of ``internalError`` and ``dropConnection`` is
/// set; ``unprocessed`` is empty when either ends the request before it is applied.
package struct RequestFaults: Sendable, Equatable {
    /// Answer `500 InternalException`, nothing applied.
    package var internalError = false
    /// Close the connection without an answer, before or after applying.
    package var dropConnection: DropFault?
    /// Finding index (in the request) → the `ErrorCode` to report it unprocessed with
    /// (`.concurrentUpdateError` or `.internalFailure`), for BatchUpdateFindings; not applied.
    package var unprocessed: [Int: ErrorCode] = [:]

    /// The faults given; none by default.
    package init(
        internalError: Bool = false, dropConnection: DropFault? = nil, unprocessed: [Int: ErrorCode] = [:]
    ) {
        self.internalError = internalError
        self.dropConnection = dropConnection
        self.unprocessed = unprocessed
    }
}
