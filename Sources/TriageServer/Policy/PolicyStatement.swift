import TriageCore

/// One statement of an IAM policy document: an effect, the actions it names (`Action`) or all but
/// those (`NotAction`), and conditions that must all hold. `Resource` is always `*` (the config
/// reader refuses anything else), so it takes no part here.
package struct PolicyStatement: Sendable, Equatable {
    /// `Allow` or `Deny`.
    package enum Effect: String, Sendable, CaseIterable {
        /// `Allow`.
        case allow = "Allow"
        /// `Deny`.
        case deny = "Deny"
    }

    /// `Sid`, if given.
    package var sid: String?
    /// `Effect`.
    package var effect: Effect
    /// The patterns of `Action` (or of `NotAction`), at least one.
    package var actions: [ActionPattern]
    /// Whether they came as `NotAction`: the statement names every action they do not match.
    package var isNotAction: Bool
    /// The conditions, all of which must hold (none: always).
    package var conditions: [PolicyCondition]

    /// A statement.
    package init(
        sid: String? = nil, effect: Effect, actions: [ActionPattern], isNotAction: Bool = false,
        conditions: [PolicyCondition] = []
    ) {
        self.sid = sid
        self.effect = effect
        self.actions = actions
        self.isNotAction = isNotAction
        self.conditions = conditions
    }

    /// Whether the statement names `action`.
    package func names(_ action: ServeOperation) -> Bool {
        actions.contains { $0.matches(action) } != isNotAction
    }

    /// Whether the statement applies to a request for `action` that sets `update`: it names the
    /// action and all its conditions hold.
    package func applies(to action: ServeOperation, update: FindingUpdate?) -> Bool {
        names(action) && conditions.allSatisfy { $0.holds(for: update) }
    }
}
