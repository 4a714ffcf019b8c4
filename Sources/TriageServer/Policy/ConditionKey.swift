import TriageCore

/// The condition keys a policy may test: `securityhub:ASFFSyntaxPath/<path>` for each updatable
/// field of a BatchUpdateFindings request (`docs/contract.md`, accounts and access), with the
/// values that request sets for the path.
///
/// A key the request does not set is absent (no values); GetFindings and BatchImportFindings
/// set none. *Choice*, where AWS documents nothing:
/// - only the values the request itself sets count: `Severity.Label` is absent from a request
///   that sets only `Severity.Normalized`, although the store derives the label;
/// - `Types`, `RelatedFindings.Id` and `RelatedFindings.ProductArn` are multi-valued (one value
///   per element, use `ForAnyValue:`/`ForAllValues:`);
/// - `UserDefinedFields` has the request's field names (keys) as values, not their values;
/// - numbers are written as JSON writes them (`Confidence` `50`, `Severity.Product` `4.5`);
/// - object paths (`Note`, `Severity`, `Workflow`, `RelatedFindings`) are not keys: test a
///   field of them (`Null` on `Workflow.Status`).
package enum ConditionKey: String, CaseIterable, Sendable {
    /// `Workflow.Status`.
    case workflowStatus = "Workflow.Status"
    /// `Severity.Label`.
    case severityLabel = "Severity.Label"
    /// `Severity.Normalized`.
    case severityNormalized = "Severity.Normalized"
    /// `Severity.Product`.
    case severityProduct = "Severity.Product"
    /// `Note.Text`.
    case noteText = "Note.Text"
    /// `Note.UpdatedBy`.
    case noteUpdatedBy = "Note.UpdatedBy"
    /// `VerificationState`.
    case verificationState = "VerificationState"
    /// `Confidence`.
    case confidence = "Confidence"
    /// `Criticality`.
    case criticality = "Criticality"
    /// `Types`: one value per type.
    case types = "Types"
    /// `UserDefinedFields`: one value per field name.
    case userDefinedFields = "UserDefinedFields"
    /// `RelatedFindings.Id`: one value per related finding.
    case relatedFindingsId = "RelatedFindings.Id"
    /// `RelatedFindings.ProductArn`: one value per related finding.
    case relatedFindingsProductArn = "RelatedFindings.ProductArn"

    /// What every key starts with.
    package static let prefix = "securityhub:ASFFSyntaxPath/"

    /// The key as policies write it, `securityhub:ASFFSyntaxPath/Workflow.Status`.
    package var name: String { Self.prefix + rawValue }

    /// Every key's ``name``.
    package static var names: [String] { allCases.map(\.name) }

    /// The key named `name`, compared case-insensitively as IAM compares condition keys; nil for
    /// any other key.
    package init?(name: String) {
        let folded = name.lowercased()
        guard let key = Self.allCases.first(where: { $0.name.lowercased() == folded }) else { return nil }
        self = key
    }

    /// The values `update` sets for this key; empty when it sets none or there is no update.
    package func values(in update: FindingUpdate?) -> [String] {
        guard let update else { return [] }
        return switch self {
        case .workflowStatus: update.workflowStatus.map { [$0.rawValue] } ?? []
        case .severityLabel: update.severity?.label.map { [$0.rawValue] } ?? []
        case .severityNormalized: update.severity?.normalized.map { [String($0)] } ?? []
        case .severityProduct: update.severity?.product.map { [JSONText.formatNumber($0)] } ?? []
        case .noteText: update.note.map { [$0.text] } ?? []
        case .noteUpdatedBy: update.note.map { [$0.updatedBy] } ?? []
        case .verificationState: update.verificationState.map { [$0.rawValue] } ?? []
        case .confidence: update.confidence.map { [String($0)] } ?? []
        case .criticality: update.criticality.map { [String($0)] } ?? []
        case .types: update.types ?? []
        case .userDefinedFields: update.userDefinedFields?.map(\.key) ?? []
        case .relatedFindingsId: update.relatedFindings?.map(\.id) ?? []
        case .relatedFindingsProductArn: update.relatedFindings?.map(\.productArn) ?? []
        }
    }
}
