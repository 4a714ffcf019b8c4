import Testing
import TriageCore
import TriageIO

/// `triage generate` writes findings as Security Hub's output has them: the service-owned members
/// are present with the values import gives, so that importing a generated finding changes no byte.
@Suite struct SyntheticServiceShapeTests {
    @Test func importingAGeneratedFindingChangesNoByte() throws {
        let data = SyntheticData(seed: 2026, findingCount: 400)
        var products: Set<String> = []
        for index in 0..<400 {
            let bytes = data.findingJSON(index)
            let provider = try ProviderFinding(bytes: bytes)
            let stored = try ImportRules.newFinding(provider)
            #expect(stored.document == bytes, "finding \(index)")
            let finding = try JSONParser.parse(bytes)
            let identifier = data.identifier(index)
            #expect(finding[key: "Region"] == .string(ProviderFinding.region(ofProductArn: identifier.productArn)))
            #expect(
                finding[key: "ProductFields"]?[key: "aws/securityhub/FindingId"]
                    == .string(identifier.productArn + "/" + identifier.id))
            guard case .string(let product)? = finding[key: "ProductName"],
                case .string(let company)? = finding[key: "CompanyName"]
            else {
                Issue.record("finding \(index): no names")
                continue
            }
            products.insert("\(product)/\(company)")
        }
        // The four kinds of the generator, each named as Security Hub names it.
        #expect(products == ["Security Hub/AWS", "GuardDuty/Amazon", "Inspector/Amazon", "Default/Personal"])
    }

    @Test func theMembersSitWhereTheServicePutsThem() throws {
        let text = String(decoding: SyntheticData(seed: 1, findingCount: 10).findingJSON(3), as: UTF8.self)
        let order = ["\"ProductArn\"", "\"ProductName\"", "\"CompanyName\"", "\"Region\"", "\"GeneratorId\""]
        let positions = order.compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
        let fields = try #require(text.range(of: "\"ProductFields\""))
        let resources = try #require(text.range(of: "\"Resources\""))
        #expect(fields.lowerBound < resources.lowerBound)
    }
}
