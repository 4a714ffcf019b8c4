import Testing
import TriageCore

/// The service-owned members import adds (``ServiceOwnedMembers``), spliced into the provider's
/// bytes (``DocumentSplice``): the values, where they go, and that nothing else moves.
@Suite struct ServiceOwnedMembersTests {
    static let guardDuty = "arn:aws:securityhub:us-east-1::product/aws/guardduty"

    /// A finding as raw text (`body` goes between `ProductArn` and `Resources`, `tail` after).
    static func finding(
        productArn: String = guardDuty, id: String = "f-1", body: String = #","GeneratorId":"g""#, tail: String = ""
    ) -> String {
        #"{"SchemaVersion":"2018-10-08","Id":"\#(id)","ProductArn":"\#(productArn)"\#(body),"AwsAccountId":"111111111111","CreatedAt":"2020-01-01T00:00:00Z","UpdatedAt":"2020-01-02T00:00:00Z","Severity":{"Label":"LOW"},"Title":"t","Description":"d","Resources":[{"Type":"Other","Id":"r"}]\#(tail)}"#
    }

    /// The stored document of a new finding made from `text`.
    static func stored(_ text: String) throws -> String {
        let stored = try ImportRules.newFinding(try ProviderFinding(bytes: Array(text.utf8)))
        return String(decoding: stored.document, as: UTF8.self)
    }

    static func members(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func aFindingWithoutThemGetsThemWhereTheServicePutsThem() throws {
        let text = Self.finding(body: #" , "GeneratorId" : "g", "Zzz" : { "unknown" : [ 1 , 2 ] } "#)
        let stored = try Self.stored(text)
        let productArnEnd = try #require(text.range(of: Self.guardDuty + "\""))
        let resources = try #require(text.range(of: #""Resources""#))
        var expected = text
        expected.insert(
            contentsOf:
                #","ProductFields":{"aws/securityhub/FindingId":"\#(Self.guardDuty)/f-1","aws/securityhub/ProductName":"GuardDuty","aws/securityhub/CompanyName":"Amazon"}"#
                .dropFirst() + ",", at: resources.lowerBound)
        expected.insert(
            contentsOf: #","ProductName":"GuardDuty","CompanyName":"Amazon","Region":"us-east-1""#,
            at: productArnEnd.upperBound)
        // RecordState is the one other member import adds, at the end (unchanged rule).
        expected.removeLast()
        expected += #","RecordState":"ACTIVE"}"#
        #expect(stored == expected)
    }

    @Test func theProvidersOwnValuesAreReplacedInPlaceAndDuplicatesDropped() throws {
        let text = Self.finding(
            body:
                #","ProductName":"Mine","GeneratorId":"g","CompanyName":"Me","Region":"eu-west-1","ProductName":"Again""#,
            tail:
                #","ProductFields":{"a":"1","aws/securityhub/ProductName":"Mine","aws/securityhub/FindingId":"x","b" : "2"},"RecordState":"ACTIVE""#
        )
        let stored = try Self.stored(text)
        #expect(
            stored
                == Self.finding(
                    body: #","ProductName":"GuardDuty","GeneratorId":"g","CompanyName":"Amazon","Region":"us-east-1""#,
                    tail:
                        #","ProductFields":{"a":"1","aws/securityhub/ProductName":"GuardDuty","aws/securityhub/FindingId":"\#(Self.guardDuty)/f-1","b" : "2","aws/securityhub/CompanyName":"Amazon"},"RecordState":"ACTIVE""#
                ))
    }

    @Test func anEmptyProductFieldsIsFilled() throws {
        let stored = try Self.stored(Self.finding(tail: #","ProductFields":{ },"RecordState":"ACTIVE""#))
        #expect(
            stored.contains(
                #""ProductFields":{ "aws/securityhub/FindingId":"\#(Self.guardDuty)/f-1","aws/securityhub/ProductName":"GuardDuty","aws/securityhub/CompanyName":"Amazon"}"#
            ))
        _ = try Self.members(stored)
    }

    @Test func aDocumentAlreadyShapedByTheServiceIsStoredAsGiven() throws {
        let first = try Self.stored(Self.finding(body: #" ,"GeneratorId":"g""#))
        let provider = try ProviderFinding(bytes: Array(first.utf8))
        let again = try ImportRules.newFinding(provider)
        #expect(again.document == provider.bytes)
    }

    @Test func productFieldsThatIsNotAnObjectFailsTheFinding() throws {
        do {
            _ = try ImportRules.newFinding(
                try ProviderFinding(bytes: Array(Self.finding(tail: #","ProductFields":["x"]"#).utf8)))
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .findingRefused(id: "f-1", .invalidInput))
            #expect(
                error.message
                    == "Finding does not adhere to Amazon Finding Format. data.ProductFields should be object.")
        }
    }

    @Test func aCustomIntegrationNamesItselfAtTheTopLevelOnly() throws {
        let arn = "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        let named = try Self.members(
            Self.stored(
                Self.finding(
                    productArn: arn, body: #","ProductName":"DecoyDetector","CompanyName":"Custom","GeneratorId":"g""#))
        )
        #expect(named[key: "ProductName"] == .string("DecoyDetector"))
        #expect(named[key: "CompanyName"] == .string("Custom"))
        #expect(named[key: "Region"] == .string("eu-west-1"))
        #expect(named[key: "ProductFields"]?[key: "aws/securityhub/ProductName"] == .string("Default"))
        #expect(named[key: "ProductFields"]?[key: "aws/securityhub/CompanyName"] == .string("Personal"))
        let bare = try Self.members(Self.stored(Self.finding(productArn: arn)))
        #expect(bare[key: "ProductName"] == .string("Default"))
        #expect(bare[key: "CompanyName"] == .string("Personal"))
    }

    @Test func anotherAccountsDefaultProductIsAThirdPartyProduct() {
        let naming = ServiceOwnedMembers.names(
            productArn: "arn:aws:securityhub:eu-west-1:123456789012:product/999999999999/default", given: (nil, nil))
        #expect(naming?.productFields == ServiceOwnedMembers.Names(product: "Default", company: "999999999999"))
    }

    @Test func aThirdPartyProductKeepsItsNamesElseTheyComeFromTheArn() throws {
        let arn = "arn:aws:securityhub:us-west-2::product/cloud-custodian/cloud-custodian"
        let derived = try Self.members(Self.stored(Self.finding(productArn: arn)))
        #expect(derived[key: "ProductName"] == .string("Cloud Custodian"))
        #expect(derived[key: "CompanyName"] == .string("Cloud Custodian"))
        #expect(derived[key: "ProductFields"]?[key: "aws/securityhub/ProductName"] == .string("Cloud Custodian"))
        let given = try Self.members(
            Self.stored(
                Self.finding(
                    productArn: arn, body: #","ProductName":"Custodian","CompanyName":"CNCF","GeneratorId":"g""#)))
        #expect(given[key: "ProductName"] == .string("Custodian"))
        #expect(given[key: "ProductFields"]?[key: "aws/securityhub/CompanyName"] == .string("CNCF"))
        // Names recorded in ProductFields serve when the top level has none (older service output).
        let recorded = try Self.members(
            Self.stored(
                Self.finding(
                    productArn: arn, tail: #","ProductFields":{"aws/securityhub/ProductName":"Cloud Custodian v2"}"#)))
        #expect(recorded[key: "ProductName"] == .string("Cloud Custodian v2"))
        let aws = ServiceOwnedMembers.names(
            productArn: "arn:aws:securityhub:us-east-1::product/aws/firewall-manager", given: (nil, nil))
        #expect(aws?.topLevel == ServiceOwnedMembers.Names(product: "Firewall Manager", company: "AWS"))
    }

    @Test func aProductArnThatIsNotAProductArnGetsOnlyTheFindingId() throws {
        let stored = try Self.members(Self.stored(Self.finding(productArn: "p")))
        #expect(stored[key: "ProductName"] == nil)
        #expect(stored[key: "CompanyName"] == nil)
        #expect(stored[key: "Region"] == nil)
        #expect(
            stored[key: "ProductFields"]
                == .object([JSONMember(key: "aws/securityhub/FindingId", value: .string("p/f-1"))]))
    }

    @Test(arguments: [
        ("aws/securityhub", "Security Hub", "AWS"), ("aws/guardduty", "GuardDuty", "Amazon"),
        ("aws/inspector", "Inspector", "Amazon"), ("aws/config", "Config", "AWS"),
        ("aws/access-analyzer", "IAM Access Analyzer", "AWS"),
        ("aws/ssm-patch-manager", "Systems Manager Patch Manager", "AWS"),
    ])
    func theTableNamesAWSIntegrationsWhateverTheProviderSays(key: String, product: String, company: String) {
        let naming = ServiceOwnedMembers.names(
            productArn: "arn:aws:securityhub:ap-southeast-2::product/\(key)", given: ("Mine", "Me"))
        let names = ServiceOwnedMembers.Names(product: product, company: company)
        #expect(naming?.topLevel == names)
        #expect(naming?.productFields == names)
    }

    @Test func theSeverityLabelEntryIsDerivedOnlyWithoutALabel() throws {
        func label(_ severity: String?, _ providerFields: String? = nil) throws -> String? {
            ServiceOwnedMembers.severityLabel(
                severity: try severity.map { try JSONParser.parse(Array($0.utf8)) },
                providerFields: try providerFields.map { try JSONParser.parse(Array($0.utf8)) })
        }
        #expect(try label(#"{"Product":5,"Normalized":50}"#) == "MEDIUM")
        #expect(try label(#"{"Normalized":0}"#) == "INFORMATIONAL")
        #expect(try label(#"{"Normalized":10}"#) == "LOW")
        #expect(try label(#"{"Normalized":90}"#) == "CRITICAL")
        #expect(try label(#"{"Label":"LOW","Normalized":50}"#) == nil)
        #expect(try label(#"{"Normalized":50}"#, #"{"Severity":{"Label":"HIGH"}}"#) == nil)
        #expect(try label(nil, #"{"Severity":{"Normalized":75}}"#) == "HIGH")
        #expect(try label(#"{"Normalized":101}"#) == nil)
        let stored = try Self.members(
            Self.stored(
                Self.finding().replacingOccurrences(
                    of: #""Severity":{"Label":"LOW"}"#, with: #""Severity":{"Normalized":40}"#)
            ))
        #expect(stored[key: "ProductFields"]?[key: "aws/securityhub/SeverityLabel"] == .string("MEDIUM"))
    }

    @Test func aReimportIsEnrichedLikeANewFinding() throws {
        let provider = try ProviderFinding(
            bytes: Array(Self.finding(body: #","ProductName":"Mine","GeneratorId":"g""#).utf8))
        let stored = try ImportRules.reimport(
            provider, over: CustomerState(), recordState: "ACTIVE", complianceStatus: nil)
        let members = try JSONParser.parse(stored.document)
        #expect(members[key: "ProductName"] == .string("GuardDuty"))
        #expect(members[key: "ProductFields"]?[key: "aws/securityhub/FindingId"] == .string("\(Self.guardDuty)/f-1"))
    }

    @Test(arguments: [
        "arn:aws:securityhub:us-east-1::product/aws", "arn:aws:securityhub:us-east-1::product/aws/guardduty/x",
        "arn:aws:securityhub:us-east-1::product//guardduty", "arn:aws:securityhub:us-east-1::product/aws/",
        "arn:aws:securityhub:us-east-1::products/aws/guardduty", "arx:aws:securityhub:us-east-1::product/aws/guardduty",
        "arn:aws:securityhub:us-east-1:product/aws/guardduty", "",
    ])
    func onlyAProductArnNamesAProduct(arn: String) {
        #expect(ServiceOwnedMembers.names(productArn: arn, given: (nil, nil)) == nil, "\(arn)")
    }

    @Test func theFindingIdJoinsTheDecodedStrings() throws {
        // Escapes in the document (any form) give the joined string, escaped again as JSON.
        let text = Self.finding(id: #"a\"b\\c\u00e9\/d"#)
        let stored = try Self.members(Self.stored(text))
        #expect(
            stored[key: "ProductFields"]?[key: "aws/securityhub/FindingId"]
                == .string(Self.guardDuty + "/a\"b\\c\u{e9}/d"))
    }
}
