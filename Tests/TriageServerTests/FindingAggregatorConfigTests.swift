import Testing
import TriageCore

@testable import TriageServer

/// The config's `aggregator` (`docs/serve.md`, Finding aggregators): both spellings read to the
/// same linking, what each Region then sees and whose quotas a write draws from, the ARN, and
/// every refusal at start-up with the member's path.
@Suite struct FindingAggregatorConfigTests {
    typealias Samples = ServeConfigSamples

    static func aggregator(_ member: String) throws -> FindingAggregator? {
        try ServeConfig(json: Array(Samples.document(rest: #", "aggregator": \#(member)"#).utf8)).aggregator
    }

    @Test func theShortAndTheAPISpellingsLinkTheSameRegions() throws {
        let short = try #require(try Self.aggregator(#"{"region": "us-east-1", "linkedRegions": ["eu-west-1"]}"#))
        let api = try #require(
            try Self.aggregator(
                #"{"region": "us-east-1", "regionLinkingMode": "SPECIFIED_REGIONS", "regions": ["eu-west-1"]}"#))
        #expect(short == api)
        #expect(short.mode == .specifiedRegions && short.regions == ["eu-west-1"])
        #expect(short.linkedRegions == ["eu-west-1"])
        #expect(short.visibleRegions(signedFor: "us-east-1") == ["us-east-1", "eu-west-1"])
        #expect(short.visibleRegions(signedFor: "eu-west-1") == ["eu-west-1"])
        #expect(short.visibleRegions(signedFor: "ap-south-1") == ["ap-south-1"])

        let all = try #require(try Self.aggregator(#"{"region": "eu-west-1", "linkedRegions": "ALL_REGIONS"}"#))
        #expect(all == FindingAggregator(region: "eu-west-1", mode: .allRegions, regions: []))
        #expect(all.linkedRegions == AWSRegions.commercial.subtracting(["eu-west-1"]))
        // The partition's Regions only: an aggregator in aws does not see cn-north-1.
        #expect(!all.visibleRegions(signedFor: "eu-west-1").contains("cn-north-1"))

        let except = try #require(
            try Self.aggregator(
                #"{"region": "us-east-1", "regionLinkingMode": "ALL_REGIONS_EXCEPT_SPECIFIED", "regions": ["eu-west-1", "ap-south-1"]}"#
            ))
        #expect(except.linkedRegions == AWSRegions.commercial.subtracting(["us-east-1", "eu-west-1", "ap-south-1"]))
        let none = try #require(try Self.aggregator(#"{"region": "us-east-1", "regionLinkingMode": "NO_REGIONS"}"#))
        #expect(none.linkedRegions.isEmpty && none.visibleRegions(signedFor: "us-east-1") == ["us-east-1"])
        let china = try #require(try Self.aggregator(#"{"region": "cn-north-1", "linkedRegions": "ALL_REGIONS"}"#))
        #expect(china.linkedRegions == ["cn-northwest-1"] && china.partition == "aws-cn")
        #expect(try ServeConfig(json: Array(Samples.document().utf8)).aggregator == nil)
        #expect(ServeConfig.defaultConfig.aggregator == nil)
    }

    @Test func aWriteDrawsFromEveryRegionItImpacts() throws {
        let aggregator = FindingAggregator(
            region: "us-east-1", mode: .specifiedRegions, regions: ["eu-west-1", "ap-south-1"])
        // Signed for the aggregation Region: the linked Regions of the findings it names.
        #expect(
            aggregator.alsoCharged(signedFor: "us-east-1", touched: ["eu-west-1", "us-east-1", "sa-east-1"]) == [
                "eu-west-1"
            ])
        #expect(aggregator.alsoCharged(signedFor: "us-east-1", touched: ["us-east-1"]).isEmpty)
        // Signed for a linked Region: the aggregation Region, to which it is replicated.
        #expect(aggregator.alsoCharged(signedFor: "ap-south-1", touched: ["ap-south-1"]) == ["us-east-1"])
        // Any other Region: its own bucket only.
        #expect(aggregator.alsoCharged(signedFor: "sa-east-1", touched: ["eu-west-1"]).isEmpty)
    }

    @Test func theARNIsStablePerAccountAndShapedAsSecurityHubs() {
        let aggregator = FindingAggregator(region: "us-east-1", mode: .allRegions, regions: [])
        let arn = aggregator.arn(account: "111111111111")
        #expect(arn == aggregator.arn(account: "111111111111"))
        #expect(arn != aggregator.arn(account: "222222222222"))
        #expect(arn.hasPrefix("arn:aws:securityhub:us-east-1:111111111111:finding-aggregator/"))
        let id = arn.split(separator: "/").last.map(String.init) ?? ""
        #expect(id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { $0 == "-" || ($0.isHexDigit && !$0.isUppercase) })
        #expect(FindingAggregatorOperations.isAggregatorArn(arn))
        let gov = FindingAggregator(region: "us-gov-west-1", mode: .noRegions, regions: [])
        #expect(gov.arn(account: "111111111111").hasPrefix("arn:aws-us-gov:securityhub:us-gov-west-1:111111111111:"))
        for notOne in [
            "", "arn:aws:securityhub:us-east-1:111111111111:hub/default",
            "arn:aws:securityhub:us-east-1:1111:finding-aggregator/x",
            "arn:aws:securityhub:us-east-1:111111111111:finding-aggregator/",
            "arn:aws:guardduty:us-east-1:111111111111:finding-aggregator/x",
        ] {
            #expect(!FindingAggregatorOperations.isAggregatorArn(notOne), "\(notOne)")
        }
    }

    static let refusals: [(String, String)] = [
        (#"{"linkedRegions": "ALL_REGIONS"}"#, "aggregator.region: is required"),
        (
            #"{"region": "us-east-1"}"#,
            #"aggregator: needs linkedRegions (a list of Regions, or "ALL_REGIONS") or regionLinkingMode (with regions)"#
        ),
        (
            #"{"region": "us-est-1", "linkedRegions": "ALL_REGIONS"}"#,
            "aggregator.region: is not an AWS Region (did you mean us-east-1?)"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": ["eu-wset-1"]}"#,
            "aggregator.linkedRegions[0]: is not an AWS Region (did you mean eu-west-1?)"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": ["eu-west-1", "eu-west-1"]}"#,
            "aggregator.linkedRegions[1]: listed twice"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": ["us-east-1"]}"#,
            "aggregator.linkedRegions[0]: is the aggregation Region itself"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": ["cn-north-1"]}"#,
            "aggregator.linkedRegions[0]: is in partition aws-cn, not in aws as the aggregation Region is"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": []}"#,
            "aggregator.linkedRegions: must list at least one Region (regionLinkingMode NO_REGIONS links none)"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": "ALL"}"#,
            #"aggregator.linkedRegions: must be a list of Regions or "ALL_REGIONS""#
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": "ALL_REGIONS", "regionLinkingMode": "ALL_REGIONS"}"#,
            "aggregator.linkedRegions: give either linkedRegions or regionLinkingMode (with regions), not both"
        ),
        (
            #"{"region": "us-east-1", "linkedRegions": ["eu-west-1"], "regions": ["eu-west-1"]}"#,
            "aggregator.regions: goes with regionLinkingMode; with linkedRegions, list the Regions there"
        ),
        (
            #"{"region": "us-east-1", "regionLinkingMode": "SOME_REGIONS"}"#,
            #"aggregator.regionLinkingMode: SOME_REGIONS is not one of ALL_REGIONS, ALL_REGIONS_EXCEPT_SPECIFIED, SPECIFIED_REGIONS, NO_REGIONS"#
        ),
        (
            #"{"region": "us-east-1", "regionLinkingMode": "NO_REGIONS", "regions": ["eu-west-1"]}"#,
            "aggregator.regions: must not be given with regionLinkingMode NO_REGIONS"
        ),
        (#"{"region": "us-east-1", "regionLinkingMode": "SPECIFIED_REGIONS"}"#, "aggregator.regions: is required"),
        (
            #"{"region": "us-east-1", "linkedRegion": ["eu-west-1"]}"#,
            "aggregator.linkedRegion: is not a member of aggregator (did you mean linkedRegions?)"
        ),
        (#"["us-east-1"]"#, "aggregator: must be an object, not array"),
    ]

    @Test(arguments: refusals)
    func aBadAggregatorIsRefusedAtStartUpNamingTheMember(member: String, message: String) {
        #expect(Samples.refusal(Samples.document(rest: #", "aggregator": \#(member)"#)) == message)
    }
}
