/// The shape of each module's one error type (house style: one error type per module, e.g.
/// ``CoreError``, `TriageIOError`, `StoreError`, `ServerError`, `SecurityHubError`, `SigV4Error`):
/// a code to branch on, one line for a person, and the error behind it when there is one.
///
/// Two errors are equal when their code and message are (the underlying error is for the log and
/// for debugging; it is never compared). The description is the message unless a type says more.
public protocol ModuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure; callers branch on it, never on the message.
    associatedtype Code: Equatable & Sendable
    /// What kind of failure this is.
    var code: Code { get }
    /// One line, never holding a secret.
    var message: String { get }
    /// The error behind this one, if any.
    var underlying: (any Error)? { get }
}

extension ModuleError {
    /// Equal when the code and the message are.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    /// ``message``.
    public var description: String { message }
}
