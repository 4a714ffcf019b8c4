import TriageCore

/// The member names a decision record may use, and help for the ones it may not.
package enum DecisionMembers {
    /// Members of ASFF that exist but that BatchUpdateFindings cannot change.
    static let notUpdatable: Set<String> = [
        "WorkflowState", "UpdatedAt", "RecordState", "FindingProviderFields", "CreatedAt", "Compliance",
        "Title", "Description", "Resources", "GeneratorId", "AwsAccountId", "SchemaVersion",
    ]

    /// Top-level names a record may have.
    static let recordMembers: [String] = ["Id", "ProductArn", "FindingIdentifiers"] + Limits.updateMembers

    /// Why an unknown top-level member is rejected, with a hint where one is likely.
    package static func unknownMemberProblem(_ name: String) -> String {
        if notUpdatable.contains(name) {
            return "is not updatable through BatchUpdateFindings"
        }
        if let hint = suggestion(for: name) {
            return "is not a member of a decision record (did you mean \(hint)?)"
        }
        return "is not a member of a decision record"
    }

    /// A likely intended name: same letters ignoring case and separators, or a nested field
    /// written flat (`WorkflowStatus` for `Workflow.Status`).
    static func suggestion(for name: String) -> String? {
        let folded = fold(name)
        let candidates = recordMembers + [
            "Workflow.Status", "Severity.Label", "Severity.Normalized", "Severity.Product", "Note.Text",
            "Note.UpdatedBy",
        ]
        return candidates.first { fold($0) == folded }
    }

    private static func fold(_ name: String) -> String {
        String(name.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}
