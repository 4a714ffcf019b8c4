/// One ASFF finding as a provider imports it (`BatchImportFindings`, `docs/contract.md`,
/// import): its bytes as given, where its top-level members sit, and the values the store indexes.
///
/// Built only from a document that has every required member with the right type; otherwise the
/// initializer reports why, naming the member (never quoting values).
package struct ProviderFinding {
    /// The document exactly as imported.
    package let bytes: [UInt8]
    /// Where its top-level members sit in ``bytes``.
    package let layout: JSONObjectLayout
    /// (`ProductArn`, `Id`).
    package let identifier: FindingIdentifier
    /// `AwsAccountId`.
    package let awsAccountId: String
    /// The `<region>` field of `ProductArn` (empty when `ProductArn` is not an ARN).
    package let region: String
    /// `UpdatedAt` as written.
    package let updatedAt: String
    /// `UpdatedAt` as an instant (Security Hub's rules, ``FindingTimestamp/Rules/securityHub``).
    package let updatedInstant: FindingTimestamp
    /// `RecordState` (`ACTIVE` or `ARCHIVED`) if given.
    package let recordState: String?
    /// `Compliance.Status` if given as a string.
    package let complianceStatus: String?
    /// The `aws/securityhub/SeverityLabel` import adds (``ServiceOwnedMembers/severityLabel(severity:providerFields:)``),
    /// found while `Severity` and `FindingProviderFields` are parsed for the required-member check.
    package let derivedSeverityLabel: String?

    /// The members every imported finding must have (plus `Severity` or `FindingProviderFields.Severity`).
    package static let requiredMembers = [
        "SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title",
        "Description", "Resources",
    ]

    /// Checks and indexes `bytes`; a failure names the `Id` when the document had one. Every
    /// timestamp member (``ASFFTimestamps``) must follow Security Hub's rules.
    package init(bytes: [UInt8]) throws(CoreError) {
        self.bytes = bytes
        let scanned = bytes.withUnsafeBytes { buffer in
            Result { () throws(CoreError) -> JSONObjectLayout in try JSONObjectLayout.scan(buffer) }
        }
        switch scanned {
        case .success(let layout): self.layout = layout
        case .failure(let error):
            throw .findingRefused(
                id: nil, code: .invalidInput, message: "not a JSON object: \(error)", underlying: error)
        }
        let id = Self.string(named: "Id", bytes: bytes, layout: layout)
        func fail(_ message: String) -> CoreError {
            .findingRefused(id: id, code: .invalidInput, message: message)
        }
        for name in Self.requiredMembers where Self.member(name, bytes: bytes, layout: layout) == nil {
            throw fail("\(name): required member is missing")
        }
        let severity = Self.member("Severity", bytes: bytes, layout: layout)
        let providerFields = Self.member("FindingProviderFields", bytes: bytes, layout: layout)
        if severity == nil && providerFields?[key: "Severity"] == nil {
            throw fail("Severity: required member is missing (neither Severity nor FindingProviderFields.Severity)")
        }
        derivedSeverityLabel = ServiceOwnedMembers.severityLabel(severity: severity, providerFields: providerFields)
        var strings: [String] = []
        for name in ["Id", "ProductArn", "AwsAccountId", "UpdatedAt"] {
            guard let value = Self.string(named: name, bytes: bytes, layout: layout) else {
                throw fail("\(name): must be a string")
            }
            guard value.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                throw fail("\(name): must contain a non-whitespace character")
            }
            strings.append(value)
        }
        guard strings[0].unicodeScalars.count <= Limits.maxIdLength else {
            throw fail("Id: longer than \(Limits.maxIdLength) characters")
        }
        identifier = FindingIdentifier(id: strings[0], productArn: strings[1])
        awsAccountId = strings[2]
        updatedAt = strings[3]
        let layout = self.layout
        if let violation = bytes.withUnsafeBytes({ ASFFTimestamps.violation(in: $0, layout: layout) }) {
            throw fail(violation)
        }
        guard let instant = FindingTimestamp(updatedAt, rules: .securityHub) else {
            throw fail(
                #"Finding does not adhere to Amazon Finding Format. data.UpdatedAt should match format "date-time"."#)
        }
        updatedInstant = instant
        region = Self.region(ofProductArn: identifier.productArn)
        if let state = Self.member("RecordState", bytes: bytes, layout: layout) {
            guard case .string(let text) = state, text == "ACTIVE" || text == "ARCHIVED" else {
                throw fail("RecordState: must be ACTIVE or ARCHIVED")
            }
            recordState = text
        } else {
            recordState = nil
        }
        if case .string(let status)? = Self.member("Compliance", bytes: bytes, layout: layout)?[key: "Status"] {
            complianceStatus = status
        } else {
            complianceStatus = nil
        }
    }

    /// The `<region>` field of an ARN (`arn:<partition>:<service>:<region>:...`); empty when
    /// `productArn` is not an ARN.
    package static func region(ofProductArn productArn: String) -> String {
        RegionName.field(ofArn: productArn).map(String.init) ?? ""
    }

    /// Whether the finding comes from Security Hub's own controls (`…::product/aws/securityhub`).
    package var isSecurityHubControl: Bool {
        identifier.productArn.hasSuffix("::product/aws/securityhub")
    }

    /// The parsed value of the first top-level member named `name`.
    package func member(_ name: String) -> JSONValue? {
        Self.member(name, bytes: bytes, layout: layout)
    }

    /// The compact JSON of the first top-level member named `name`.
    package func compactMember(_ name: String) -> [UInt8]? {
        bytes.withUnsafeBytes { buffer in
            guard let member = layout.first(named: name, in: buffer) else { return nil }
            var out: [UInt8] = []
            CompactJSON.appendMinified(UnsafeRawBufferPointer(rebasing: buffer[member.value]), to: &out)
            return out
        }
    }

    private static func member(_ name: String, bytes: [UInt8], layout: JSONObjectLayout) -> JSONValue? {
        bytes.withUnsafeBytes { buffer in
            guard let member = layout.first(named: name, in: buffer) else { return nil }
            return try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[member.value]))
        }
    }

    private static func string(named name: String, bytes: [UInt8], layout: JSONObjectLayout) -> String? {
        if case .string(let value)? = member(name, bytes: bytes, layout: layout) { return value }
        return nil
    }
}
