/// Which Region each finding's decisions go to, so that the planner never mixes Regions in a
/// batch. Known before anything is sent (a dry run plans per Region without credentials).
public protocol BatchRouting: Sendable {
    /// The Region of a finding (for Security Hub: `--region`, else the Region field of its
    /// `ProductArn`); a ``CoreError/Code/unroutable`` error when it has none, and the record fails
    /// with `InvalidInput` and the error's message.
    func region(of identifier: FindingIdentifier) -> Result<String, CoreError>
}
