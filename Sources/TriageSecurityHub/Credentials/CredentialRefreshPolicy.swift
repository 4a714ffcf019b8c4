/// When temporary credentials are refreshed: botocore's two windows (`RefreshableCredentials`), scaled down for
/// credentials that live less than an hour, plus a pause after a failed refresh; credentials that cannot be
/// refreshed are used until they expire. Pure: every time is an argument.
///
/// With `lifetime` = expiration − the time the credentials were fetched (never below 0):
/// - advisory window = min(15 min, lifetime / 4); mandatory window = min(10 min, lifetime / 6). Both equal
///   botocore's for credentials fetched with an hour or more to live; 60-second credentials get 15 s and 10 s, so
///   they are used for 45 s and refreshed from then on.
/// - more than the advisory window left: use the credentials.
/// - inside the advisory window (more than the mandatory window left): one caller refreshes, the others keep using
///   the current credentials; a failure keeps them too (botocore's advisory refresh).
/// - inside the mandatory window, no refresh failed yet: callers wait for a refresh (botocore's mandatory refresh).
///   Unlike botocore, a failure does not throw while the credentials have not expired: they are handed out until
///   they expire (a source that went away mid-run, STS or a metadata endpoint, costs nothing while they last),
///   and from then on the window is handled as the advisory one: one caller retries after each retry gap, the
///   others go on without waiting for it.
/// - expired: callers wait for a refresh; a failure is thrown (``CredentialProvider`` then fails the request,
///   and the run stops with exit status 5).
/// - retry gap = max(1 s, min(30 s, lifetime / 60)): after a failed refresh no new one starts before the gap has
///   passed; meanwhile callers use the current credentials while they have not expired and get the remembered
///   failure once they have, so a broken source is asked at most once per gap.
/// - long-term credentials (`expiration == nil`) are never refreshed.
package struct CredentialRefreshPolicy: Sendable, Equatable {
    /// What `current()` does with the credentials it holds.
    package enum Action: Sendable, Equatable {
        /// Hand them out.
        case use
        /// Try to refresh if no other caller is; hand out the current credentials if that fails or is busy.
        case refreshAdvisory
        /// Refresh (waiting for a caller already refreshing); on failure hand out the current credentials if they
        /// have not expired, else throw.
        case refreshMandatory
        /// Throw the failure of the last refresh (it is less than a retry gap old and the credentials have
        /// expired).
        case failRemembered
    }

    /// botocore's advisory window, milliseconds.
    package static let advisoryMaximum: Int64 = 15 * 60_000
    /// botocore's mandatory window, milliseconds.
    package static let mandatoryMaximum: Int64 = 10 * 60_000
    /// The shortest pause after a failed refresh, milliseconds.
    package static let retryGapMinimum: Int64 = 1_000
    /// The longest pause after a failed refresh, milliseconds.
    package static let retryGapMaximum: Int64 = 30_000

    /// When the credentials expire, epoch ms; `nil` for long-term credentials.
    package var expiration: Int64?
    /// How long they had to live when fetched, milliseconds (≥ 0).
    package var lifetime: Int64

    /// The policy for credentials fetched at `fetchedAt` (epoch ms) that expire at `expiration`.
    package init(expiration: Int64?, fetchedAt: Int64) {
        self.expiration = expiration
        self.lifetime = max(0, (expiration ?? fetchedAt) - fetchedAt)
    }

    /// The advisory window, milliseconds before expiry.
    package var advisoryWindow: Int64 { min(Self.advisoryMaximum, lifetime / 4) }
    /// The mandatory window, milliseconds before expiry.
    package var mandatoryWindow: Int64 { min(Self.mandatoryMaximum, lifetime / 6) }
    /// The pause after a failed refresh, milliseconds.
    package var retryGap: Int64 { max(Self.retryGapMinimum, min(Self.retryGapMaximum, lifetime / 60)) }

    /// What to do at `now` (epoch ms) when the last refresh failed at `lastFailure` (`nil`: none since the
    /// credentials were fetched).
    package func action(now: Int64, lastFailure: Int64?) -> Action {
        guard let expiration else { return .use }
        let remaining = expiration - now
        if remaining > advisoryWindow { return .use }
        let mayRetry = lastFailure.map { now - $0 >= retryGap } ?? true
        if remaining <= 0 { return mayRetry ? .refreshMandatory : .failRemembered }
        // A source that failed once is not waited for again while the credentials still work.
        if remaining > mandatoryWindow || lastFailure != nil { return mayRetry ? .refreshAdvisory : .use }
        return .refreshMandatory
    }

    /// Whether credentials with this policy have expired at `now` (epoch ms): never handed out from then on.
    package func hasExpired(at now: Int64) -> Bool {
        expiration.map { $0 <= now } ?? false
    }
}
