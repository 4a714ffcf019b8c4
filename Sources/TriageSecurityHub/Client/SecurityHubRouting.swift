import Synchronization
import TriageCore

/// The Region each finding goes to: `--region`, else the Region field of its `ProductArn`; a
/// Region must have an endpoint (so a malformed ARN fails its record, not the run).
public final class SecurityHubRouting: BatchRouting {
    private let rules: SecurityHubEndpointRules
    /// Regions already checked, and the verdict.
    private let known = Mutex<[String: Result<String, CoreError>]>([:])

    /// Routing by `rules`.
    public init(rules: SecurityHubEndpointRules) {
        self.rules = rules
    }

    public func region(of identifier: FindingIdentifier) -> Result<String, CoreError> {
        guard let region = rules.region(forProductArn: identifier.productArn) else {
            return .failure(
                .unroutable(
                    "ProductArn has no Region (arn:PARTITION:securityhub:REGION:...); name one with --region"))
        }
        if let verdict = known.withLock({ $0[region] }) { return verdict }
        let verdict: Result<String, CoreError>
        do {
            _ = try rules.endpoint(forRegion: region)
            verdict = .success(region)
        } catch {
            verdict = .failure(
                .unroutable("no Security Hub endpoint for Region '\(region)': \(error)", underlying: error))
        }
        known.withLock { $0[region] = verdict }
        return verdict
    }
}
