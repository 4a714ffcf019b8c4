/// The numeric limits of `BatchUpdateFindings` (`docs/contract.md`, validation).
public enum Limits {
    /// Identifiers per request.
    public static let identifiersPerRequest = 1...100
    /// `Id` length in characters.
    public static let maxIdLength = 512
    /// `Note.Text` and `Note.UpdatedBy` length in characters.
    public static let noteLength = 1...512
    /// `Severity.Normalized`, `Confidence`, `Criticality`.
    public static let percent = 0...100
    /// Entries of `Types`.
    public static let typesCount = 1...50
    /// Pairs of `UserDefinedFields` (also after the merge into a stored finding).
    public static let maxUserDefinedFields = 50
    /// `UserDefinedFields` key length in characters.
    public static let userDefinedKeyLength = 1...128
    /// `UserDefinedFields` value length in characters.
    public static let userDefinedValueLength = 1...1024
    /// Entries of `RelatedFindings`.
    public static let relatedFindingsCount = 1...10
    /// Largest finding after an update, in bytes of JSON (240 KB).
    public static let maxFindingBytes = 240 * 1024
    /// The `Types` namespaces.
    public static let typeNamespaces: Set<String> = [
        "Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors",
        "Sensitive Data Identifications",
    ]
    /// The update members of a request, in the API's order.
    public static let updateMembers = [
        "Note", "Severity", "VerificationState", "Confidence", "Criticality", "Types", "UserDefinedFields",
        "Workflow", "RelatedFindings",
    ]
}
