import TriageCore

/// Decides a request against the policies of its key, as IAM evaluates identity-based policies
/// (`docs/serve.md`, policies):
/// 1. an explicit `Deny` that applies (names the action, all conditions hold) denies;
/// 2. else, if the key has any `Allow` statement, the request is allowed only when one applies
///    ("no identity-based policy allows" otherwise);
/// 3. else (no policies, or only `Deny` statements) it is allowed.
///
/// Pure; the cost is linear in the statements and conditions.
package enum PolicyEvaluator {
    /// The decision for a request for `action` that sets `update` (nil for GetFindings and
    /// BatchImportFindings: every ASFF condition key is absent).
    package static func evaluate(_ policies: [AccessPolicy], action: ServeOperation, update: FindingUpdate?)
        -> PolicyDecision
    {
        var hasAllow = false
        var allowed = false
        for statement in policies.lazy.flatMap(\.statements) {
            switch statement.effect {
            case .deny:
                if statement.applies(to: action, update: update) { return .explicitDeny(action) }
            case .allow:
                hasAllow = true
                if !allowed { allowed = statement.applies(to: action, update: update) }
            }
        }
        return hasAllow && !allowed ? .implicitDeny(action) : .allowed
    }
}
