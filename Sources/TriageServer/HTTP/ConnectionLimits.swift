#if canImport(Glibc)
import Glibc
#endif

/// The connection limit and the idle timeout of `triage serve` (`docs/serve.md`, connections).
package enum ConnectionLimits {
    /// Seconds a connection may stay with no request in progress before it is closed.
    package static let defaultIdleTimeoutSeconds = 60.0
    /// The default connection limit where the descriptor limit allows it.
    package static let defaultMaxConnections = 512
    /// Descriptors kept for everything else than connections: standard streams, the listening
    /// socket, the event loops, the store's SQLite files.
    package static let reservedDescriptors = 128

    /// This process's limit on open file descriptors (the soft `RLIMIT_NOFILE`, `ulimit -n`); nil
    /// when it cannot be read or is unlimited.
    package static func descriptorLimit() -> Int? {
        var limit = rlimit()
        // `rlim_t.max` is RLIM_INFINITY (which Swift does not import).
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max
        else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The connection limit: `requested`, or ``defaultMaxConnections`` lowered to what
    /// `descriptorLimit` leaves after ``reservedDescriptors``.
    /// - Throws: ``ConnectionLimitError`` when `requested` (or the smallest default, 1) would not fit.
    package static func maxConnections(requested: Int?, descriptorLimit: Int?) throws(ConnectionLimitError) -> Int {
        let available = descriptorLimit.map { $0 - reservedDescriptors } ?? Int.max
        if let requested {
            guard requested <= available else {
                throw ConnectionLimitError(requested: requested, descriptorLimit: descriptorLimit ?? 0)
            }
            return requested
        }
        guard available >= 1 else {
            throw ConnectionLimitError(requested: nil, descriptorLimit: descriptorLimit ?? 0)
        }
        return min(defaultMaxConnections, available)
    }
}

/// The connection limit does not fit in the process's file descriptors.
package struct ConnectionLimitError: Error, CustomStringConvertible {
    /// `--max-connections`, nil for the default.
    package var requested: Int?
    /// `ulimit -n`.
    package var descriptorLimit: Int

    /// E.g. `--max-connections 5000 needs 5128 file descriptors, but ulimit -n is 1024: raise ulimit -n or
    /// lower --max-connections`.
    package var description: String {
        let reserved = ConnectionLimits.reservedDescriptors
        if let requested {
            return "--max-connections \(requested) needs \(requested + reserved) file descriptors, but ulimit -n is "
                + "\(descriptorLimit): raise ulimit -n or lower --max-connections"
        }
        return "ulimit -n is \(descriptorLimit), too few file descriptors to serve (at least \(reserved + 1)); "
            + "raise ulimit -n"
    }
}
