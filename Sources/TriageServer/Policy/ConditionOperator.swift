/// A condition operator: `StringEquals`, `StringNotEquals`, `StringLike` or `Null`, optionally
/// with the set qualifier `ForAnyValue:` or `ForAllValues:`.
///
/// How each treats the request's values for the key (none when the key is absent) against the
/// policy's values, following IAM:
/// - `StringEquals`/`StringLike`: some request value equals/matches some policy value; absent:
///   false. `StringNotEquals` is their negation: no request value equals a policy value; absent:
///   true.
/// - `ForAnyValue:`: some request value passes the test (for `StringNotEquals`: differs from
///   every policy value); absent (empty set): false.
/// - `ForAllValues:`: every request value passes the test; absent (empty set): true.
/// - `Null` with `true`: the key is absent; with `false`: present. A qualifier changes nothing for
///   `Null` (presence is not a property of single values).
package struct ConditionOperator: Sendable, Equatable {
    /// The comparison.
    package enum Test: String, CaseIterable, Sendable {
        /// Exact, case-sensitive equality.
        case stringEquals = "StringEquals"
        /// The negation of `StringEquals`.
        case stringNotEquals = "StringNotEquals"
        /// IAM wildcards (`*`, `?`) in the policy value, case-sensitive.
        case stringLike = "StringLike"
        /// Whether the key is absent (`true`) or present (`false`).
        case null = "Null"
    }

    /// How a multi-valued request key is tested.
    package enum SetQualifier: String, CaseIterable, Sendable {
        /// No qualifier.
        case none = ""
        /// `ForAnyValue:`.
        case forAnyValue = "ForAnyValue:"
        /// `ForAllValues:`.
        case forAllValues = "ForAllValues:"
    }

    /// The comparison.
    package var test: Test
    /// The set qualifier.
    package var qualifier: SetQualifier

    /// An operator of `test` with `qualifier`.
    package init(_ test: Test, _ qualifier: SetQualifier = .none) {
        self.test = test
        self.qualifier = qualifier
    }

    /// The operator named exactly `name` (`ForAnyValue:StringEquals`); nil for any other.
    package init?(name: String) {
        for qualifier in SetQualifier.allCases {
            for test in Test.allCases where name == qualifier.rawValue + test.rawValue {
                self.init(test, qualifier)
                return
            }
        }
        return nil
    }

    /// The name as policies write it.
    package var name: String { qualifier.rawValue + test.rawValue }

    /// Every operator's name.
    package static var names: [String] {
        SetQualifier.allCases.flatMap { qualifier in Test.allCases.map { qualifier.rawValue + $0.rawValue } }
    }

    /// Whether the condition holds: `requestValues` are the request's values for the key (empty
    /// when absent), `policyValues` the policy's (any of them may match: an OR). For `Null`, the
    /// policy values are `true`/`false`.
    package func holds(requestValues: [String], policyValues: [String]) -> Bool {
        if test == .null {
            let absent = requestValues.isEmpty
            return policyValues.contains { ($0.lowercased() == "true") == absent }
        }
        let passes = { (value: String) in self.passes(value, policyValues) }
        switch qualifier {
        case .none:
            if test == .stringNotEquals { return !requestValues.contains { policyValues.contains($0) } }
            return requestValues.contains(where: passes)
        case .forAnyValue:
            return requestValues.contains(where: passes)
        case .forAllValues:
            return requestValues.allSatisfy(passes)
        }
    }

    /// Whether one request value passes the test against the policy values.
    private func passes(_ value: String, _ policyValues: [String]) -> Bool {
        switch test {
        case .stringEquals: policyValues.contains(value)
        case .stringNotEquals: !policyValues.contains(value)
        case .stringLike: policyValues.contains { WildcardPattern.matches($0, value, ignoringCase: false) }
        case .null: false
        }
    }
}
