/// The member names a decision record may use, and help for the ones it may not.
package enum DecisionMembers {
    /// Members of ASFF that exist but that BatchUpdateFindings cannot change.
    package static let notUpdatable: Set<String> = [
        "WorkflowState", "UpdatedAt", "RecordState", "FindingProviderFields", "CreatedAt", "Compliance",
        "Title", "Description", "Resources", "GeneratorId", "SchemaVersion",
    ]

    /// Top-level names a record may have.
    package static let recordMembers: [String] =
        ["Id", "ProductArn", "FindingIdentifiers", "AwsAccountId"] + Limits.updateMembers

    /// What a top-level name may have been meant as: a member, or a nested field written flat
    /// (`WorkflowStatus` for `Workflow.Status`).
    package static let suggestions: [String] =
        recordMembers + [
            "Workflow.Status", "Severity.Label", "Severity.Normalized", "Severity.Product", "Note.Text",
            "Note.UpdatedBy",
        ]

    /// Why an unknown top-level member is rejected, with a hint where one is likely.
    package static func unknownMemberProblem(_ name: String) -> String {
        if notUpdatable.contains(name) {
            return "is not updatable through BatchUpdateFindings"
        }
        if let hint = NameSuggestion.nearest(to: name, among: suggestions) {
            return "is not a member of a decision record (did you mean \(hint)?)"
        }
        return "is not a member of a decision record"
    }

    /// Why an unknown member of the nested object at `path` is rejected: the nearest allowed
    /// member (`Workflow.Stauts`: did you mean `Workflow.Status`), else the list of members.
    package static func unknownNestedMemberProblem(_ name: String, path: String, allowed: [String]) -> String {
        if let hint = NameSuggestion.nearest(to: name, among: allowed) {
            return "is not a member of \(path) (did you mean \(path).\(hint)?)"
        }
        return "is not a member of \(path) (members: \(allowed.joined(separator: ", ")))"
    }
}
