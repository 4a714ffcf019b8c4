import TriageCore

/// The derived column values of one stored finding that `v2-query` added (and the `region`
/// it redefined), computed from the stored parts as the composed finding would show them.
///
/// - `region`: the `Region` filter's value, the finding's `Region` if it is a string, else the
///   `<region>` of its `ProductArn` (*Choice*; `v1-findings` held the latter only);
/// - `severity_label`: `Severity.Label`, else `FindingProviderFields.Severity.Label`, else NULL;
/// - `updated_key`: `UpdatedAt` in nanoseconds since the epoch (0 when it does not parse, which
///   an imported finding never has).
struct IndexedValues {
    var region: String
    var severityLabel: String?
    var updatedKey: Int64

    private static let projection = FindingProjection(names: [
        "Region", "ProductArn", "Severity", "FindingProviderFields", "UpdatedAt",
    ])
    private static let regionField = FindingFilterField.named("Region")!
    private static let severityField = FindingFilterField.named("SeverityLabel")!

    /// The values of the finding stored as `document` (the provider document) and `state`;
    /// `layout` is the document's when already scanned.
    init(document: UnsafeRawBufferPointer, layout: JSONObjectLayout? = nil, state: CustomerState)
        throws(CoreError)
    {
        let scanned: JSONObjectLayout
        if let layout { scanned = layout } else { scanned = try JSONObjectLayout.scan(document) }
        let members = try Self.projection.members(provider: document, layout: scanned, state: state)
        region = Self.regionField.firstString(in: members) ?? ""
        severityLabel = Self.severityField.firstString(in: members)
        if case .string(let text)? = members[key: "UpdatedAt"], let instant = FindingTimestamp(text) {
            updatedKey = instant.epochNanoseconds
        } else {
            updatedKey = 0
        }
    }

    /// The values of a finding held in an array.
    init(document: [UInt8], layout: JSONObjectLayout? = nil, state: CustomerState) throws(CoreError) {
        let result = document.withUnsafeBytes { buffer in
            Result { () throws(CoreError) -> IndexedValues in
                try IndexedValues(document: buffer, layout: layout, state: state)
            }
        }
        self = try result.get()
    }
}
