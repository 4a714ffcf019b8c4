import Synchronization
import TriageCore

/// The chain: resolves once (before anything is sent), then hands out current credentials.
///
/// Sources, in order: environment variables (skipped with `--profile`); web identity from
/// `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`; the profile of the shared files (static keys, assume-role
/// chains, `credential_process`, SSO, web identity); container credentials; EC2 instance metadata (IMDSv2). The
/// first source that is configured decides: if it fails, resolving fails (as botocore does) rather than falling
/// through to credentials of another identity. Only instance metadata that does not answer counts as absent.
///
/// Refresh (``CredentialRefreshPolicy``), with `lifetime` = expiration − the time of the fetch that produced the
/// credentials:
/// - advisory window = min(15 min, lifetime / 4), mandatory window = min(10 min, lifetime / 6): botocore's windows
///   for credentials fetched with an hour or more to live; 60-second credentials are used for 45 s;
/// - more than the advisory window left: the credentials are handed out;
/// - in the advisory window: the one caller that gets the refresh lock fetches, the others get the current
///   credentials without waiting; a failed fetch is remembered and the current credentials are handed out;
/// - in the mandatory window: every caller waits for the refresh lock; the first fetches, the others then see its
///   result. A failed fetch hands out the current credentials while they have not expired (botocore throws here;
///   we keep using them, so that a credential source that goes away mid-run costs nothing until the credentials
///   really stop working), and later refreshes are made as in the advisory window, nobody waiting for them;
/// - expired: every caller waits for a refresh; a failed one throws, and the Security Hub target stops the Region
///   (exit status 5, the records left for `--resume`) instead of failing records one by one;
/// - retry gap = max(1 s, min(30 s, lifetime / 60)): no fetch starts within the gap after a failed one; callers
///   get the current credentials until they expire, the remembered failure after;
/// - credentials expired by `now()` are never handed out (a fetch returning such credentials is a failure);
///   long-term credentials (no expiration) are never refreshed.
public final class CredentialProvider: Sendable, CustomStringConvertible {
    /// The credentials handed out and the last failed refresh since they were fetched.
    private struct State {
        var credentials: AWSCredentials
        var policy: CredentialRefreshPolicy
        var lastFailure: (at: Int64, error: SecurityHubError)?
    }

    /// The winning source's name, e.g. "environment", "web-identity", "profile default (assume-role)", "container",
    /// "instance-metadata".
    public let sourceName: String
    private let source: any CredentialSource
    private let now: @Sendable () -> Int64
    /// The state lock: held only to read or replace `State`, never while fetching.
    private let state: Mutex<State>
    /// The refresh lock: held by the one caller fetching; mandatory callers wait for it, advisory callers that
    /// find it taken go on with the current credentials.
    private let refreshing = Mutex<Void>(())

    private init(
        source: any CredentialSource, credentials: AWSCredentials, fetchedAt: Int64,
        now: @escaping @Sendable () -> Int64
    ) {
        self.sourceName = source.name
        self.source = source
        self.now = now
        self.state = Mutex(
            State(
                credentials: credentials,
                policy: CredentialRefreshPolicy(expiration: credentials.expiration, fetchedAt: fetchedAt)))
    }

    /// The source's name and the expiry of the credentials held; never a secret or token.
    public var description: String {
        let credentials = state.withLock { $0.credentials }
        return "CredentialProvider(source: \(sourceName), credentials: \(credentials))"
    }

    /// Tries each source in the SDKs' order; the first that is configured and yields credentials wins.
    /// Throws `SecurityHubError` (exit status 2 upstream) naming every source tried and why each was skipped or failed.
    public static func resolve(_ environment: CredentialEnvironment) throws(SecurityHubError) -> CredentialProvider {
        let context = CredentialContext(environment: environment)
        return try resolve(sources: CredentialChain.sources(context), now: environment.now)
    }

    /// Resolves over `sources` in order (the chain's, or a test's).
    package static func resolve(
        sources: [any CredentialSource], now: @escaping @Sendable () -> Int64
    ) throws(SecurityHubError) -> CredentialProvider {
        var skipped: [String] = []
        for source in sources {
            if let reason = source.skipReason {
                skipped.append("\(source.name) (\(reason))")
                continue
            }
            let fetchedAt = now()
            do throws(SecurityHubError) {
                let credentials = try source.fetch()
                if let expiration = credentials.expiration, expiration <= now() {
                    throw SecurityHubError(.expired, "the credentials it returned are already expired")
                }
                return CredentialProvider(source: source, credentials: credentials, fetchedAt: fetchedAt, now: now)
            } catch  where error.code == .unreachable && source.isAbsentWhenUnreachable {
                skipped.append("\(source.name) (\(error.message))")
            } catch {
                let before = skipped.isEmpty ? "" : "; skipped before it: " + skipped.joined(separator: ", ")
                throw SecurityHubError(
                    error.code, "AWS credentials from \(source.name): \(error.message)\(before)",
                    underlying: error.underlying)
            }
        }
        throw SecurityHubError(
            .noCredentials, "no AWS credentials found; tried " + skipped.joined(separator: ", "))
    }

    /// Credentials valid now, refreshed as botocore does; thread-safe, may block the calling thread while
    /// fetching (callers are Dispatch worker threads, never an event loop).
    public func current() throws(SecurityHubError) -> AWSCredentials {
        let (credentials, action, failure) = state.withLock { state in
            (
                state.credentials, state.policy.action(now: now(), lastFailure: state.lastFailure?.at),
                state.lastFailure?.error
            )
        }
        switch action {
        case .use:
            return credentials
        case .refreshAdvisory:
            let attempt = refreshing.withLockIfAvailable { _ in
                Result { () throws(SecurityHubError) -> AWSCredentials in try refresh() }
            }
            guard let attempt else { return credentials }  // another caller is refreshing
            return try attempt.get()
        case .refreshMandatory:
            return try refreshing.withLock { _ throws(SecurityHubError) in try refresh() }
        case .failRemembered:
            throw expired(credentials, failure)
        }
    }

    /// The error of expired `credentials` that could not be refreshed (`failure`: why).
    private func expired(_ credentials: AWSCredentials, _ failure: SecurityHubError?) -> SecurityHubError {
        let when = credentials.expiration.map { " at " + Timestamp.rfc3339(milliseconds: $0) } ?? ""
        return SecurityHubError(
            .expired,
            "the credentials from \(sourceName) expired\(when) and could not be refreshed"
                + (failure.map { ": " + $0.message } ?? ""))
    }

    /// Refreshes if still needed (another caller may have done it while this one waited); called with the refresh
    /// lock held. A failure throws only when the current credentials have expired by the time it is known;
    /// otherwise it returns them.
    private func refresh() throws(SecurityHubError) -> AWSCredentials {
        let started = now()
        let (credentials, policy, failure) = state.withLock { ($0.credentials, $0.policy, $0.lastFailure) }
        switch policy.action(now: started, lastFailure: failure?.at) {
        case .use:
            return credentials
        case .failRemembered:
            throw expired(credentials, failure?.error)
        case .refreshAdvisory, .refreshMandatory:
            break
        }
        do throws(SecurityHubError) {
            let fresh = try source.fetch()
            if let expiration = fresh.expiration, expiration <= now() {
                throw SecurityHubError(.expired, "the refreshed credentials are already expired")
            }
            state.withLock { state in
                state.credentials = fresh
                state.policy = CredentialRefreshPolicy(expiration: fresh.expiration, fetchedAt: started)
                state.lastFailure = nil
            }
            return fresh
        } catch {
            let failed = error.prefixed("refreshing AWS credentials from \(sourceName)")
            let finished = now()
            state.withLock { $0.lastFailure = (finished, failed) }
            // Not refreshed: the current credentials serve until they expire (a slow fetch may have outlived them).
            if policy.hasExpired(at: finished) { throw expired(credentials, failed) }
            return credentials
        }
    }
}
