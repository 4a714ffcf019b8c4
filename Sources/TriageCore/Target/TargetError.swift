/// A target that cannot be used: the store missing, empty, another application's or read-only,
/// an endpoint or credentials unavailable; or a target that fails to make applied batches
/// durable. Set up before anything is applied, it means exit status 2.
public struct TargetError: Error, Sendable, CustomStringConvertible {
    /// One line naming the target (file, endpoint); never a secret.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// `message`.
    public var description: String { message }
}
