import TriageCore

/// The one error of TriageSecurityHub: credentials that cannot be found, read or refreshed, a
/// target that cannot be set up (bad proxy, endpoint, CA bundle: exit status 2 upstream, nothing
/// sent), or a `200` answer that is not one (which the attempt's shell hands on as a value).
///
/// The message is one line and never holds a secret, a session token or a web identity token.
public struct SecurityHubError: ModuleError {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Equatable {
        /// No source in the chain of credentials is configured.
        case noCredentials
        /// A configuration file, variable, profile or setting is wrong (missing profile, cycle,
        /// `mfa_serial`, bad URI, proxy, CA bundle).
        case invalidConfiguration
        /// A configured credential source answered with an error or with something that is not
        /// credentials.
        case retrievalFailed
        /// A configured credential source did not answer (connection refused, timeout).
        case unreachable
        /// The credentials are expired and could not be refreshed.
        case expired
        /// A `200` answer of `BatchUpdateFindings` that is not one (the message says what it is).
        case unreadableAnswer
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line naming the source or setting and what went wrong.
    public let message: String
    /// The error behind this one, if any.
    public let underlying: (any Error)?

    /// An error of `code` saying `message` (which must not hold a secret).
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The same error with `context` and ": " in front of the message.
    func prefixed(_ context: String) -> SecurityHubError {
        SecurityHubError(code, context + ": " + message, underlying: underlying)
    }
}
