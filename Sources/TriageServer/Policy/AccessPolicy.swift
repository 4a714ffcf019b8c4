/// An identity-based IAM policy document attached to a credential in the config
/// (`credentials[].policies[]`), as parsed and validated by `AccessPolicy+Config.swift`.
/// `PolicyEvaluator` decides requests against a key's policies.
package struct AccessPolicy: Sendable, Equatable {
    /// `Version` (`2012-10-17` or `2008-10-17`), if given.
    package var version: String?
    /// The policy's `Id`, if given.
    package var id: String?
    /// `Statement`, at least one.
    package var statements: [PolicyStatement]

    /// A policy of `statements`.
    package init(version: String? = "2012-10-17", id: String? = nil, statements: [PolicyStatement]) {
        self.version = version
        self.id = id
        self.statements = statements
    }
}
