/// A set-up or usage error: nothing was applied (exit status 2).
public struct JobError: Error, Sendable, CustomStringConvertible {
    /// What kind of set-up failed.
    public enum Code: String, Sendable {
        /// An input path cannot be read, or its header is unusable.
        case badInput
        /// An option is wrong.
        case usage
        /// The target (store, endpoint, credentials) is unavailable.
        case target
        /// A report, journal or spool file cannot be written.
        case output
    }

    /// The kind.
    public var code: Code
    /// One line, naming the file or option concerned; never a secret.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
