import Foundation
import Testing
import TriageTestSupport

/// The Region of the credential scope through the real `triage serve`: only real AWS Regions are
/// served, each with its own quota bucket as in Security Hub; an invented one is refused as
/// Security Hub refuses it, so rotating invented Regions cannot escape throttling.
@Suite struct ServeRegionTests {
    /// GetFindings with a bucket of 2 that refills one token in 1,000 s: nothing refills during the test.
    static let config = """
        {"accounts": {"000000000000": {"administrator": true}},
         "credentials": [{"accessKeyId": "test", "secretAccessKey": "test", "account": "000000000000"}],
         "quotas": {"GetFindings": {"rate": 0.001, "burst": 2}}}
        """

    static func getFindings(port: Int, region: String) throws -> RawHTTP.Answer? {
        try RawHTTP(port: port).exchange(
            HTTPRequestBytes.signed(
                method: "POST", path: "/findings", port: port, body: Array("{}".utf8), region: region))
    }

    @Test func rotatingInventedRegionsIsRefusedAndDoesNotEscapeThrottling() throws {
        let server = try ServeProcess(config: Self.config)
        #expect(try Self.getFindings(port: server.port, region: "us-east-1")?.status == 200)
        #expect(try Self.getFindings(port: server.port, region: "us-east-1")?.status == 200)
        #expect(try Self.getFindings(port: server.port, region: "us-east-1")?.errorType == "TooManyRequestsException")
        let invented =
            (0..<40).map { "xx-fake-\($0)" } + [
                "", "us-east-99", "US-EAST-1", "aws-global", "local", String(repeating: "a", count: 100),
            ]
        for region in invented {
            let answer = try #require(try Self.getFindings(port: server.port, region: region))
            #expect(answer.status == 403, "\(region): \(answer.text)")
            #expect(answer.errorType == "InvalidSignatureException", "\(region)")
            #expect(
                answer.json["Message"] as? String
                    == "Credential should be scoped to a valid region, not '\(region.prefix(64))'.",
                "\(region): \(answer.text)")
        }
        #expect(try Self.getFindings(port: server.port, region: "us-east-1")?.errorType == "TooManyRequestsException")
        // Real Regions, commercial, China and GovCloud, each have a bucket of their own, as in Security Hub.
        for region in ["eu-west-1", "cn-north-1", "us-gov-west-1"] {
            #expect(try Self.getFindings(port: server.port, region: region)?.status == 200, "\(region)")
        }
        #expect(server.stop() == 0)
        let refused = server.log.split(separator: "\n").filter { $0.contains(" error=InvalidSignatureException") }
        #expect(refused.count == invented.count)
        #expect(refused.allSatisfy { $0.contains(" - - GetFindings 403 ") }, "\(refused.first ?? "")")
    }
}
