/// Why credentials could not be found, read or refreshed: exit status 2 upstream.
///
/// The message is one line and never holds a secret, a session token or a web identity token.
public struct CredentialError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Equatable {
        /// No source in the chain is configured.
        case noCredentials
        /// A configuration file, variable or profile is wrong (missing profile, cycle, `mfa_serial`, bad URI).
        case invalidConfiguration
        /// A configured source answered with an error or with something that is not credentials.
        case retrievalFailed
        /// A configured source did not answer (connection refused, timeout).
        case unreachable
        /// The credentials are expired and could not be refreshed.
        case expired
    }

    /// What kind of failure this is.
    public var code: Code
    /// One line naming the source and what went wrong.
    public var message: String

    /// An error of `code` saying `message` (which must not hold a secret).
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The same error with `context` and ": " in front of the message.
    func prefixed(_ context: String) -> CredentialError {
        CredentialError(code, context + ": " + message)
    }
}
