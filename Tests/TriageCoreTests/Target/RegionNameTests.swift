import Testing
import TriageCore

/// ``RegionName``: one rule for `--region`, a `ProductArn`'s Region and an endpoint's.
@Suite struct RegionNameTests {
    @Test(arguments: ["us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1", "a", "x1"])
    func regionNamesAreAccepted(_ text: String) {
        #expect(RegionName(text)?.name == text)
    }

    @Test(arguments: [
        "", "US-EAST-1", "us_east_1", "-us-east-1", "us-east-1-", "eu west 1", "ü-1", String(repeating: "a", count: 64),
    ])
    func otherTextIsNoRegionName(_ text: String) {
        #expect(RegionName(text) == nil)
    }

    /// Every reader of a `ProductArn`'s Region agrees: the field as written, nil without one.
    @Test func theRegionFieldOfAnArn() {
        #expect(RegionName.field(ofArn: "arn:aws:securityhub:eu-west-1::product/aws/guardduty") == "eu-west-1")
        #expect(RegionName.field(ofArn: "arn:aws:securityhub:US-EAST-1::product/x/y") == "US-EAST-1")
        #expect(RegionName.field(ofArn: "arn:aws:securityhub:::product/x/y") == nil)
        #expect(RegionName.field(ofArn: "not-an-arn") == nil)
        #expect(RegionName.field(ofArn: "arn:aws:securityhub") == nil)
    }
}
