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
    /// - Throws: ``ServerError`` (``ServerError/Code/connectionLimit``) when `requested` (or the smallest
    ///   default, 1) would not fit.
    package static func maxConnections(requested: Int?, descriptorLimit: Int?) throws(ServerError) -> Int {
        let available = descriptorLimit.map { $0 - reservedDescriptors } ?? Int.max
        if let requested {
            guard requested <= available else {
                throw .connectionLimit(
                    requested: requested, descriptorLimit: descriptorLimit ?? 0, reserved: reservedDescriptors)
            }
            return requested
        }
        guard available >= 1 else {
            throw .connectionLimit(requested: nil, descriptorLimit: descriptorLimit ?? 0, reserved: reservedDescriptors)
        }
        return min(defaultMaxConnections, available)
    }
}
