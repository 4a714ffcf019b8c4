import TriageCore

/// One member that an update sets, as a rehearsal counts it: `Workflow.Status` to `SUPPRESSED`,
/// `Severity.Label` to `HIGH`, `Note`, `UserDefinedFields`.
///
/// Scalar members carry the value set (`Severity.Label` given alone also sets the `Normalized`
/// it derives, and the other way round, both listed); `Note`, `Types`, `UserDefinedFields` and
/// `RelatedFindings` are counted without a value.
package struct UpdatedMember: Hashable, Sendable {
    /// The members in the API's order.
    package enum Path: Int, CaseIterable, Comparable, Sendable {
        case note, severityLabel, severityNormalized, severityProduct, verificationState, confidence, criticality
        case types, userDefinedFields, workflowStatus, relatedFindings

        /// The dotted ASFF path, e.g. `Workflow.Status`.
        package var name: String {
            switch self {
            case .note: "Note"
            case .severityLabel: "Severity.Label"
            case .severityNormalized: "Severity.Normalized"
            case .severityProduct: "Severity.Product"
            case .verificationState: "VerificationState"
            case .confidence: "Confidence"
            case .criticality: "Criticality"
            case .types: "Types"
            case .userDefinedFields: "UserDefinedFields"
            case .workflowStatus: "Workflow.Status"
            case .relatedFindings: "RelatedFindings"
            }
        }

        /// Whether a finding can already have what the update sets (a `Note` never: each update
        /// stamps a new `UpdatedAt`).
        package var canBeAlreadySo: Bool { self != .note }

        package static func < (left: Self, right: Self) -> Bool { left.rawValue < right.rawValue }
    }

    /// Which member.
    package var path: Path
    /// The value set, as JSON writes it without quotes (`SUPPRESSED`, `70`, `2.5`); `nil` for
    /// the members counted without a value.
    package var value: String?

    /// Creates a member.
    package init(_ path: Path, _ value: String? = nil) {
        self.path = path
        self.value = value
    }

    /// The members `update` sets, in the API's order.
    package static func members(of update: FindingUpdate) -> [UpdatedMember] {
        var members: [UpdatedMember] = []
        if update.note != nil { members.append(UpdatedMember(.note)) }
        if let severity = update.severity, !severity.isEmpty {
            var label = severity.label
            var normalized = severity.normalized
            if label == nil, let normalized { label = SeverityLabel(normalized: normalized) }
            if normalized == nil, let label { normalized = label.derivedNormalized }
            if let label { members.append(UpdatedMember(.severityLabel, label.rawValue)) }
            if let normalized { members.append(UpdatedMember(.severityNormalized, String(normalized))) }
            if let product = severity.product {
                var text: [UInt8] = []
                JSONText.appendScalar(.number(product), to: &text)
                members.append(UpdatedMember(.severityProduct, String(decoding: text, as: UTF8.self)))
            }
        }
        if let state = update.verificationState { members.append(UpdatedMember(.verificationState, state.rawValue)) }
        if let confidence = update.confidence { members.append(UpdatedMember(.confidence, String(confidence))) }
        if let criticality = update.criticality { members.append(UpdatedMember(.criticality, String(criticality))) }
        if update.types != nil { members.append(UpdatedMember(.types)) }
        if update.userDefinedFields != nil { members.append(UpdatedMember(.userDefinedFields)) }
        if let status = update.workflowStatus { members.append(UpdatedMember(.workflowStatus, status.rawValue)) }
        if update.relatedFindings != nil { members.append(UpdatedMember(.relatedFindings)) }
        return members
    }

    /// Whether the finding whose state was `before` already had this member as the update left
    /// it in `after` (the update changed nothing there).
    func isAlreadySo(before: CustomerState, after: CustomerState) -> Bool {
        switch path {
        case .note: false
        case .severityLabel: before[.severity]?[key: "Label"] == after[.severity]?[key: "Label"]
        case .severityNormalized: before[.severity]?[key: "Normalized"] == after[.severity]?[key: "Normalized"]
        case .severityProduct: before[.severity]?[key: "Product"] == after[.severity]?[key: "Product"]
        case .verificationState: before[json: .verificationState] == after[json: .verificationState]
        case .confidence: before[.confidence] == after[.confidence]
        case .criticality: before[.criticality] == after[.criticality]
        case .types: before[.types] == after[.types]
        case .userDefinedFields: before[.userDefinedFields] == after[.userDefinedFields]
        case .workflowStatus: before.workflowStatus == after.workflowStatus
        case .relatedFindings: before[.relatedFindings] == after[.relatedFindings]
        }
    }
}

/// What one batch changed, member by member (``FindingsStore/applyCountingChanges(batch:update:now:)``).
package struct BatchChanges: Sendable, Equatable {
    /// The members the batch's update sets (``UpdatedMember/members(of:)``).
    package var members: [UpdatedMember]
    /// Findings updated (members of the batch whose outcome is processed).
    package var updated = 0
    /// For each of ``members``, how many of the updated findings already had it as set.
    package var alreadySo: [Int]

    /// No finding updated yet.
    package init(members: [UpdatedMember]) {
        self.members = members
        alreadySo = Array(repeating: 0, count: members.count)
    }
}
