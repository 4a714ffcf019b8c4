import TriageCore

/// One test of a statement's `Condition`: an operator, a key and the policy's values
/// (`"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": ["SUPPRESSED", "RESOLVED"]}`).
/// A statement applies only when all its conditions hold.
package struct PolicyCondition: Sendable, Equatable {
    /// The operator.
    package var conditionOperator: ConditionOperator
    /// The key tested.
    package var key: ConditionKey
    /// The policy's values, at least one; any may match.
    package var values: [String]

    /// A condition; the config reader validates the values (`PolicyCondition+Config.swift`).
    package init(_ conditionOperator: ConditionOperator, _ key: ConditionKey, _ values: [String]) {
        self.conditionOperator = conditionOperator
        self.key = key
        self.values = values
    }

    /// Whether the condition holds for a request that sets `update` (nil for the operations
    /// other than BatchUpdateFindings: every key absent).
    package func holds(for update: FindingUpdate?) -> Bool {
        conditionOperator.holds(requestValues: key.values(in: update), policyValues: values)
    }
}
