/// The top-level members of a finding that `BatchUpdateFindings` may change
/// (`docs/contract.md`, apply semantics), in the API's order.
///
/// The raw value indexes ``CustomerState``'s storage; the order is also the order in which the
/// store appends members a provider document lacks.
package enum CustomerField: Int, CaseIterable, Sendable, Hashable {
    case note, severity, verificationState, confidence, criticality, types, userDefinedFields, workflow
    case relatedFindings

    /// The ASFF member name, e.g. `"UserDefinedFields"`.
    package var name: String { Self.names[rawValue] }

    /// The member name as a quoted JSON string followed by `:`, e.g. `"Note":` (for writers).
    package var memberPrefix: [UInt8] { Self.prefixes[rawValue] }

    /// The field that is customer-owned once set through `BatchUpdateFindings` (§3, §5), if any.
    package var ownership: OwnedFields? {
        switch self {
        case .severity: .severity
        case .types: .types
        case .confidence: .confidence
        case .criticality: .criticality
        case .relatedFindings: .relatedFindings
        case .note, .verificationState, .userDefinedFields, .workflow: nil
        }
    }

    /// The field named by the raw (still escaped) bytes of a JSON key, without its quotes.
    /// Keys with escapes never match: the names are plain ASCII, and a provider that escapes one
    /// of them gets a member the store treats as unknown (kept as written).
    package init?(keyBytes: UnsafeRawBufferPointer) {
        // Dispatch on length first: most keys of a finding are not ours.
        guard keyBytes.count < Self.byLength.count else { return nil }
        for field in Self.byLength[keyBytes.count] {
            if Self.utf8Names[field.rawValue].elementsEqual(keyBytes) {
                self = field
                return
            }
        }
        return nil
    }

    private static let names = [
        "Note", "Severity", "VerificationState", "Confidence", "Criticality", "Types", "UserDefinedFields", "Workflow",
        "RelatedFindings",
    ]
    private static let utf8Names: [[UInt8]] = names.map { Array($0.utf8) }
    private static let prefixes: [[UInt8]] = names.map { Array("\"\($0)\":".utf8) }
    private static let byLength: [[CustomerField]] = {
        var table = [[CustomerField]](repeating: [], count: (utf8Names.map(\.count).max() ?? 0) + 1)
        for field in CustomerField.allCases { table[utf8Names[field.rawValue].count].append(field) }
        return table
    }()
}
