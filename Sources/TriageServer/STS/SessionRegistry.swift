import Synchronization

/// The temporary credentials STS `AssumeRole` issued in this process, by access key id: consulted
/// with the config's keys wherever a request's key is looked up, so that a session acts as its
/// role's account until it expires. Thread-safe (one `Mutex`); lost when the process ends, as a
/// restarted serve forgets its page tokens.
///
/// A session expired for more than ``retentionMilliseconds`` is dropped (then its key is unknown:
/// `InvalidClientTokenId`, not `ExpiredToken`), so that a long run that keeps assuming roles holds
/// a bounded number of them.
package final class SessionRegistry: Sendable {
    /// How long an expired session is still recognised (and answered `ExpiredToken`): 24 hours.
    package static let retentionMilliseconds: Int64 = 24 * 3600 * 1000

    private struct State {
        var sessions: [String: ServeCredential] = [:]
        /// The number of sessions after the last sweep: the next sweep waits for twice as many.
        var sweptCount = 0
    }

    private let state = Mutex(State())

    /// An empty registry.
    package init() {}

    /// The session of `accessKeyId`, nil for a key this process did not issue (or dropped).
    package func credential(accessKeyId: String) -> ServeCredential? {
        state.withLock { $0.sessions[accessKeyId] }
    }

    /// Records `credential` (a session's, with an `expiresAt`) unless its access key id is taken
    /// (by a session, or by a key of the config as `isTaken` says); whether it was recorded. At
    /// `now` (epoch ms), sweeps sessions expired for more than ``retentionMilliseconds`` once the
    /// registry has doubled since the last sweep.
    package func insert(_ credential: ServeCredential, now: Int64, isTaken: (String) -> Bool) -> Bool {
        state.withLock { state in
            guard state.sessions[credential.accessKeyId] == nil, !isTaken(credential.accessKeyId) else { return false }
            state.sessions[credential.accessKeyId] = credential
            if state.sessions.count >= max(1024, state.sweptCount * 2) {
                state.sessions = state.sessions.filter {
                    ($0.value.expiresAt ?? .max) > now - Self.retentionMilliseconds
                }
                state.sweptCount = state.sessions.count
            }
            return true
        }
    }

    /// The number of sessions held.
    package var count: Int { state.withLock { $0.sessions.count } }
}
