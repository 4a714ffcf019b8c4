/// The members Security Hub writes into every finding it imports, whatever the provider sent
/// (`docs/contract.md`, import; `docs/serve.md`, "Service-owned members"):
///
/// - top-level `ProductName`, `CompanyName` and `Region`;
/// - `ProductFields` entries `aws/securityhub/FindingId` (`ProductArn` + "/" + `Id`),
///   `aws/securityhub/ProductName`, `aws/securityhub/CompanyName`, and
///   `aws/securityhub/SeverityLabel` when the finding gives no `Severity.Label`.
///
/// The AWS API reference (`AwsSecurityFinding`): Security Hub "populates this attribute
/// automatically for each finding. You cannot update it using BatchImportFindings or
/// BatchUpdateFindings", except `ProductName` and `CompanyName` in a custom integration.
/// The values come from the recorded findings in `Tests/Fixtures/ThirdParty/asff`
/// (`/work/shared/testdata/asff`) and the public samples named in ``knownProducts``.
package enum ServiceOwnedMembers {
    /// A product's name and its company's, as Security Hub shows them.
    package struct Names: Hashable, Sendable {
        /// `ProductName`.
        package var product: String
        /// `CompanyName`.
        package var company: String

        /// Names from their two strings.
        package init(product: String, company: String) {
            self.product = product
            self.company = company
        }
    }

    /// The AWS integrations whose names are established, by the `<company>/<product>` that ends
    /// their product ARN (`arn:aws:securityhub:<region>::product/<company>/<product>`).
    ///
    /// Sources: `aws/securityhub`, `aws/guardduty`, `aws/inspector`: the recorded `GetFindings`
    /// output in the test data (aws-solutions-asr, DefectDojo, Cloud Custodian fixtures;
    /// GuardDuty's company was "AWS" in some 2019 recordings, "Amazon" since); `aws/config`:
    /// recorded Config findings in public repositories ("Config", "AWS"); `aws/access-analyzer`:
    /// the IAM user guide's sample finding ("IAM Access Analyzer", "AWS");
    /// `aws/ssm-patch-manager`: the Systems Manager user guide's sample ("Systems Manager Patch
    /// Manager", "AWS"). A product not listed follows ``names(productArn:given:)``.
    package static let knownProducts: [String: Names] = [
        "aws/securityhub": Names(product: "Security Hub", company: "AWS"),
        "aws/guardduty": Names(product: "GuardDuty", company: "Amazon"),
        "aws/inspector": Names(product: "Inspector", company: "Amazon"),
        "aws/config": Names(product: "Config", company: "AWS"),
        "aws/access-analyzer": Names(product: "IAM Access Analyzer", company: "AWS"),
        "aws/ssm-patch-manager": Names(product: "Systems Manager Patch Manager", company: "AWS"),
    ]

    /// The names of a custom integration's default product (`product/<account>/default`) as
    /// Security Hub records them (recorded in the test data and in public samples).
    package static let customIntegration = Names(product: "Default", company: "Personal")

    /// The names import gives a finding: `topLevel` for `ProductName`/`CompanyName`,
    /// `productFields` for the `aws/securityhub/` entries.
    package struct ProductNaming: Hashable, Sendable {
        /// Top-level `ProductName` and `CompanyName`.
        package var topLevel: Names
        /// `ProductFields` `aws/securityhub/ProductName` and `aws/securityhub/CompanyName`.
        package var productFields: Names
    }

    /// The names of the product `productArn` names, given the provider's own values (`given`:
    /// its top-level `ProductName`/`CompanyName`, else its `ProductFields` `aws/securityhub/`
    /// entries):
    ///
    /// - a product in ``knownProducts``: the table's names, whatever was given;
    /// - a custom integration's default product: `ProductFields` "Default"/"Personal" always, the
    ///   top-level names as given (the exception the API reference grants), else the same;
    /// - any other product (*choice*: Security Hub takes them from its product list, which is not
    ///   public): the names as given, else derived from the ARN, each `-`-separated word
    ///   capitalised (`cloud-custodian` → "Cloud Custodian"; company `aws` → "AWS"), in both places;
    /// - `nil` when `productArn` is not a product ARN (Security Hub refuses such a finding).
    package static func names(productArn: String, given: (product: String?, company: String?)) -> ProductNaming? {
        guard let product = ProductArn(productArn) else { return nil }
        if let known = knownProductsByKey[product.key] {
            return ProductNaming(topLevel: known, productFields: known)
        }
        if product.isCustomIntegration {
            let topLevel = Names(
                product: given.product ?? customIntegration.product, company: given.company ?? customIntegration.company
            )
            return ProductNaming(topLevel: topLevel, productFields: customIntegration)
        }
        let names = Names(
            product: given.product ?? derivedName(product.product),
            company: given.company ?? (product.company == "aws" ? "AWS" : derivedName(product.company)))
        return ProductNaming(topLevel: names, productFields: names)
    }

    /// `aws/securityhub/FindingId`: the product ARN and the `Id`, joined by `/`.
    package static func findingId(_ identifier: FindingIdentifier) -> String {
        identifier.productArn + "/" + identifier.id
    }

    /// `aws/securityhub/SeverityLabel`: the label Security Hub derives from `Severity.Normalized`
    /// (0 INFORMATIONAL, 1–39 LOW, 40–69 MEDIUM, 70–89 HIGH, 90–100 CRITICAL) for a finding that
    /// gives no `Severity.Label` (top-level or in `FindingProviderFields`); `nil` otherwise. The
    /// recorded findings carry it exactly when their `Severity` has no `Label` (2018–2019, before
    /// `Label` existed), plus the 2020 control findings of Security Hub itself, whose entry a
    /// re-import keeps as given.
    package static func severityLabel(severity: JSONValue?, providerFields: JSONValue?) -> String? {
        let providerSeverity = providerFields?[key: "Severity"]
        if case .string? = severity?[key: "Label"] { return nil }
        if case .string? = providerSeverity?[key: "Label"] { return nil }
        for candidate in [severity, providerSeverity] {
            if case .number(let number)? = candidate?[key: "Normalized"], let value = number.intValue,
                (0...100).contains(value)
            {
                return SeverityLabel(normalized: value).rawValue
            }
        }
        return nil
    }

    /// Adds the service-owned members of `provider` to `splice`: a member the provider gave is
    /// replaced in place (its other bytes untouched), a missing top-level member is inserted right
    /// after `ProductArn` (where Security Hub's output has it), missing `ProductFields` entries
    /// at the end of `ProductFields`, and a missing `ProductFields` just before `Resources`.
    /// Other `aws/securityhub/` entries a document carries (`annotation`, a `SeverityLabel` that
    /// ``severityLabel(severity:providerFields:)`` does not derive) are kept as given (*choice*:
    /// recorded service output carries them, and their rules are not documented).
    ///
    /// - Throws: ``CoreError`` (`InvalidInput`) when `ProductFields` is not an object.
    package static func addMembers(of provider: ProviderFinding, to splice: inout DocumentSplice) throws(CoreError) {
        let result = provider.bytes.withUnsafeBytes { document in
            Result { () throws(CoreError) in try addMembers(of: provider, document: document, to: &splice) }
        }
        try result.get()
    }

    private static let productFieldsKeys = (
        findingId: "aws/securityhub/FindingId", product: "aws/securityhub/ProductName",
        company: "aws/securityhub/CompanyName", severityLabel: "aws/securityhub/SeverityLabel"
    )

    private static func addMembers(
        of provider: ProviderFinding, document: UnsafeRawBufferPointer, to splice: inout DocumentSplice
    ) throws(CoreError) {
        let layout = provider.layout
        var productFields: JSONObjectLayout?
        if let member = layout.first(named: "ProductFields", in: document) {
            guard document[member.value.lowerBound] == UInt8(ascii: "{"),
                let scanned = try? JSONObjectLayout.scan(document, objectAt: member.value.lowerBound)
            else {
                throw .findingRefused(
                    id: provider.identifier.id, code: .invalidInput,
                    message: "Finding does not adhere to Amazon Finding Format. data.ProductFields should be object.")
            }
            productFields = scanned
        }
        func string(_ name: String, in object: JSONObjectLayout?) -> String? {
            guard let member = object?.first(named: name, in: document),
                case .string(let text)? = try? JSONParser.parse(
                    UnsafeRawBufferPointer(rebasing: document[member.value])),
                !text.isEmpty
            else { return nil }
            return text
        }
        let given = (
            product: string("ProductName", in: layout) ?? string(productFieldsKeys.product, in: productFields),
            company: string("CompanyName", in: layout) ?? string(productFieldsKeys.company, in: productFields)
        )
        let naming = names(productArn: provider.identifier.productArn, given: given)

        // Top level: ProductName, CompanyName, Region.
        var missing: [UInt8] = []
        if let naming {
            splice.set("ProductName", to: encoded(naming.topLevel.product), in: layout, of: document, missing: &missing)
            splice.set("CompanyName", to: encoded(naming.topLevel.company), in: layout, of: document, missing: &missing)
        }
        if !provider.region.isEmpty {
            splice.set("Region", to: encoded(provider.region), in: layout, of: document, missing: &missing)
        }
        if !missing.isEmpty, let productArn = layout.first(named: "ProductArn", in: document) {
            splice.insert(missing, at: productArn.value.upperBound)
        }

        // ProductFields entries, each value as compact JSON.
        var entries: [(String, [UInt8])] = [(productFieldsKeys.findingId, encodedFindingId(provider, document))]
        if let naming {
            entries.append((productFieldsKeys.product, encoded(naming.productFields.product)))
            entries.append((productFieldsKeys.company, encoded(naming.productFields.company)))
        }
        if let label = provider.derivedSeverityLabel {
            entries.append((productFieldsKeys.severityLabel, encoded(label)))
        }
        if let productFields {
            var added: [UInt8] = []
            for (key, value) in entries {
                splice.set(key, to: value, in: productFields, of: document, missing: &added)
            }
            if !added.isEmpty {
                if productFields.members.isEmpty { added.removeFirst() }
                splice.insert(added, at: productFields.closingBrace)
            }
        } else {
            var object: [UInt8] = Array(#""ProductFields":{"#.utf8)
            for (index, (key, value)) in entries.enumerated() {
                if index > 0 { object.append(UInt8(ascii: ",")) }
                JSONText.appendString(key, to: &object)
                object.append(UInt8(ascii: ":"))
                object.append(contentsOf: value)
            }
            object.append(UInt8(ascii: "}"))
            if let resources = layout.first(named: "Resources", in: document) {
                object.append(UInt8(ascii: ","))
                splice.insert(object, at: resources.key.lowerBound - 1)
            } else {
                splice.insert(
                    [UInt8(ascii: ",")] + object, at: layout.members.last?.value.upperBound ?? layout.closingBrace)
            }
        }
    }

    /// `"<ProductArn>/<Id>"` as JSON, from the raw bytes of the two strings in the document (their
    /// escapes are complete in each, so the joined text is the joined string), without decoding
    /// and escaping them again.
    private static func encodedFindingId(_ provider: ProviderFinding, _ document: UnsafeRawBufferPointer) -> [UInt8] {
        guard let arn = provider.layout.first(named: "ProductArn", in: document)?.value,
            let id = provider.layout.first(named: "Id", in: document)?.value, arn.count >= 2, id.count >= 2
        else { return encoded(findingId(provider.identifier)) }
        var out: [UInt8] = []
        out.reserveCapacity(arn.count + id.count)
        out.append(contentsOf: document[arn.lowerBound..<(arn.upperBound - 1)])
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: document[(id.lowerBound + 1)..<id.upperBound])
        return out
    }

    private static func encoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONText.appendString(text, to: &out)
        return out
    }

    /// A name from an ARN segment: each `-`-separated word capitalised.
    static func derivedName(_ segment: Substring) -> String {
        segment.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// The parts of a product ARN `arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>`,
    /// found without allocating (every imported finding has one).
    struct ProductArn {
        var account: Substring
        var company: Substring
        var product: Substring
        /// `<company>/<product>`.
        var key: Substring

        init?(_ arn: String) {
            let utf8 = arn.utf8
            guard utf8.starts(with: "arn:".utf8) else { return nil }
            // The fifth field (account) and the sixth (the resource, to the end).
            var colons = 0
            var accountStart = arn.startIndex
            var resourceStart = arn.startIndex
            var index = arn.startIndex
            while index < arn.endIndex, colons < 5 {
                if utf8[index] == UInt8(ascii: ":") {
                    colons += 1
                    if colons == 4 { accountStart = utf8.index(after: index) }
                    if colons == 5 { resourceStart = utf8.index(after: index) }
                }
                index = utf8.index(after: index)
            }
            guard colons == 5 else { return nil }
            let resource = arn[resourceStart...]
            guard resource.utf8.starts(with: "product/".utf8) else { return nil }
            let path = resource.dropFirst("product/".count)
            guard let slash = path.utf8.firstIndex(of: UInt8(ascii: "/")) else { return nil }
            company = path[..<slash]
            product = path[path.utf8.index(after: slash)...]
            guard !company.isEmpty, !product.isEmpty, !product.utf8.contains(UInt8(ascii: "/")) else { return nil }
            account = arn[accountStart..<utf8.index(before: resourceStart)]
            key = path
        }

        /// Whether this is an account's default product (`product/<account>/default`), the ARN of
        /// a custom integration.
        var isCustomIntegration: Bool { product == "default" && company == account }
    }

    /// ``knownProducts`` keyed for a lookup by a part of the ARN (no string made).
    private static let knownProductsByKey: [Substring: Names] = Dictionary(
        uniqueKeysWithValues: knownProducts.map { (Substring($0.key), $0.value) })
}
