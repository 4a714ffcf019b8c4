/// One link of the chain: a name, whether it is configured, and how to fetch (again, at each refresh).
package protocol CredentialSource: Sendable, CustomStringConvertible {
    /// The name the provider reports (`environment`, `profile dev (assume-role)`, `container`, …).
    var name: String { get }
    /// Why the source is not configured (for the "no credentials" message), or `nil` when it is.
    var skipReason: String? { get }
    /// Whether the chain counts a source that does not answer when it resolves (``SecurityHubError/Code/unreachable``)
    /// as not configured, as botocore does for instance metadata off EC2.
    var isAbsentWhenUnreachable: Bool { get }
    /// Fetches credentials; called once when the chain resolves and again at each refresh.
    /// - Throws: ``SecurityHubError`` naming what failed, never a secret.
    func fetch() throws(SecurityHubError) -> AWSCredentials
}

extension CredentialSource {
    /// Most sources are not: once configured, their failure ends the chain.
    package var isAbsentWhenUnreachable: Bool { false }

    /// The source's name; a source never prints what it read.
    package var description: String { name }
}
