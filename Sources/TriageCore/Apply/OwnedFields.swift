/// The fields a customer owns: set once through `BatchUpdateFindings`, after which a provider's
/// re-import changes only `FindingProviderFields.<field>` (`docs/contract.md`, import).
///
/// The raw value is what the store keeps in its `owned` column (bits 0–4), so it must not change.
package struct OwnedFields: OptionSet, Sendable, Hashable {
    /// Bit mask; see the static members.
    package var rawValue: Int

    /// Wraps a stored mask (unknown bits are kept).
    package init(rawValue: Int) { self.rawValue = rawValue }

    /// `Severity` (the whole object).
    package static let severity = OwnedFields(rawValue: 1 << 0)
    /// `Types`.
    package static let types = OwnedFields(rawValue: 1 << 1)
    /// `Confidence`.
    package static let confidence = OwnedFields(rawValue: 1 << 2)
    /// `Criticality`.
    package static let criticality = OwnedFields(rawValue: 1 << 3)
    /// `RelatedFindings`.
    package static let relatedFindings = OwnedFields(rawValue: 1 << 4)

    /// The five ownable fields, in the order of `FindingProviderFields` members as Security Hub
    /// writes them (`Confidence`, `Criticality`, `RelatedFindings`, `Severity`, `Types`).
    package static let providerMirrored: [CustomerField] = [
        .confidence, .criticality, .relatedFindings, .severity, .types,
    ]
}
