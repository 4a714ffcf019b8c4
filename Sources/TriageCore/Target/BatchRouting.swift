/// Which Region each finding's decisions go to, so that the planner never mixes Regions in a
/// batch. Known before anything is sent (a dry run plans per Region without credentials).
public protocol BatchRouting: Sendable {
    /// The Region of a finding (for Security Hub: `--region`, else the Region field of its
    /// `ProductArn`); nil when it has none, and the record fails with the returned message.
    func region(of identifier: FindingIdentifier) -> Result<String, RoutingFailure>
}

/// Why a finding cannot be routed: the record fails with `InvalidInput` and this message.
public struct RoutingFailure: Error, Sendable, Equatable {
    /// One line for the report.
    public var message: String

    /// Creates a failure.
    public init(_ message: String) {
        self.message = message
    }
}
