import Testing
import TriageCore

/// A finding's account: the record's `AwsAccountId`, else the account field of an ARN `Id`.
struct FindingAccountTests {
    @Test(
        "the account field of an ARN Id, 12 digits, and nothing else",
        arguments: [
            ("arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.2/finding/1", "123456789012"),
            ("arn:aws-us-gov:securityhub:us-gov-west-1:210987654321:subscription/x/finding/2", "210987654321"),
            ("arn:aws:securityhub:us-east-1::product/aws/guardduty", nil),
            ("arn:aws:securityhub:us-east-1:12345678901:finding/1", nil),
            ("arn:aws:securityhub:us-east-1:1234567890123:finding/1", nil),
            ("arn:aws:securityhub:us-east-1:12345678901x:finding/1", nil),
            ("arn:aws:securityhub:us-east-1:123456789012", nil),
            ("my-finding-123456789012", nil),
            ("", nil),
        ] as [(String, String?)])
    func accountOfAnARN(_ id: String, _ expected: String?) {
        #expect(FindingAccount.fromARN(id) == expected)
        #expect(FindingAccount.of(id, member: nil) == expected)
    }

    @Test("the routing member wins over the Id's account, and a bad member is not an account")
    func memberWins() {
        let id = "arn:aws:securityhub:us-east-1:123456789012:finding/1"
        #expect(FindingAccount.of(id, member: "222222222222") == "222222222222")
        #expect(FindingAccount.of(RawIdentifier(id: id, productArn: "p", account: "2222")) == "123456789012")
        #expect(
            FindingAccount.of(RawIdentifier(id: "plain", productArn: "p", account: "222222222222")) == "222222222222")
        #expect(FindingAccount.of(RawIdentifier(id: "plain", productArn: "p")) == nil)
    }

    @Test("the Region field of an ARN")
    func regionOfAnARN() {
        #expect(FindingAccount.regionOfARN("arn:aws:securityhub:eu-west-1::product/aws/guardduty") == "eu-west-1")
        #expect(FindingAccount.regionOfARN("arn:aws:iam::123456789012:role/x") == nil)
        #expect(FindingAccount.regionOfARN("plain") == nil)
    }

    @Test("a reference without a given account takes the Id's")
    func referenceDerivesTheAccount() {
        let source = SourceLocation(input: 0, line: 1)
        let id = "arn:aws:securityhub:us-east-1:123456789012:finding/1"
        #expect(RecordReference(sequence: 0, source: source, id: id).account == "123456789012")
        #expect(RecordReference(sequence: 0, source: source, id: id, account: "222222222222").account == "222222222222")
        #expect(RecordReference(sequence: 0, source: source, id: "plain").account == nil)
    }
}
