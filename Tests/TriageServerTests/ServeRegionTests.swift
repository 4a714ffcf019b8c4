import Foundation
import Testing
import TriageSigV4
import TriageTestSupport

/// The Region of the credential scope through the real `triage serve`: only real AWS Regions are
/// served, each with its own quota bucket as in Security Hub; an invented one is refused as
/// Security Hub refuses it, so rotating invented Regions cannot escape throttling. Each Region keeps
/// its findings apart; a finding aggregator links Regions to its aggregation Region, whose writes
/// draw from every Region they impact; ListFindingAggregators and GetFindingAggregator answer from
/// the config (`docs/serve.md`, Regions and Finding aggregators).
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

    // MARK: Regions kept apart

    /// One account, keys `AKIDA` and `AKIDNOGET` (denied GetFindingAggregator), writes throttled at
    /// 3 a Region (no refill during the test), ListFindingAggregators at 5, and `rest` (more
    /// top-level members, each starting with a comma).
    static func regionConfig(_ rest: String = "") -> String {
        """
        {"accounts": {"111111111111": {}},
         "credentials": [{"accessKeyId": "AKIDA", "secretAccessKey": "a-secret", "account": "111111111111"},
                         {"accessKeyId": "AKIDNOGET", "secretAccessKey": "noget-secret", "account": "111111111111",
                          "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
                            "Action": "securityhub:GetFindingAggregator", "Resource": "*"}]}]}],
         "quotas": {"BatchUpdateFindings": {"rate": 0.001, "burst": 3}, "GetFindings": {"rate": 0, "burst": 0},
                    "BatchImportFindings": {"rate": 0, "burst": 0},
                    "ListFindingAggregators": {"rate": 0.001, "burst": 5}}\(rest)}
        """
    }

    /// An aggregator in us-east-1 linking eu-west-1 (not ap-south-1).
    static let aggregator = #", "aggregator": {"region": "us-east-1", "linkedRegions": ["eu-west-1"]}"#

    /// A finding `id` of account 111111111111 whose product is Security Hub's in `region`.
    static func finding(_ id: String, region: String) -> String {
        """
        {"SchemaVersion": "2018-10-08", "Id": "\(id)", "ProductArn": "\(productArn(region))",
         "GeneratorId": "generator", "AwsAccountId": "111111111111", "Types": ["Software and Configuration Checks"],
         "CreatedAt": "2026-01-01T00:00:00.000Z", "UpdatedAt": "2026-01-01T00:00:00.000Z",
         "Severity": {"Label": "HIGH"}, "Title": "A title", "Description": "A description",
         "Resources": [{"Type": "Other", "Id": "resource-\(id)"}]}
        """
    }

    static func productArn(_ region: String) -> String { "arn:aws:securityhub:\(region)::product/aws/securityhub" }

    /// A request signed by `key` for `region`; `query` is the query string (signed too).
    static func request(
        _ port: Int, _ method: String, _ path: String, query: String = "", body: String = "", region: String,
        key: (String, String) = ("AKIDA", "a-secret")
    ) -> [UInt8] {
        let bytes = Array(body.utf8)
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: key.0, secretAccessKey: key.1, sessionToken: nil),
            region: region, service: "securityhub")
        let signed = signer.sign(
            SigV4Request(
                method: method, path: path, query: query,
                headers: [
                    SigV4Request.Header("Host", "127.0.0.1:\(port)"),
                    SigV4Request.Header("Content-Type", "application/json"),
                ], body: bytes),
            at: SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970)))
        return HTTPRequestBytes.request(
            method: method, path: query.isEmpty ? path : "\(path)?\(query)", port: port,
            headers: signed.request.headers.map { ($0.name, $0.value) }, body: bytes)
    }

    /// The answer to a request (see ``request(_:_:_:query:body:region:key:)``).
    static func send(
        _ port: Int, _ method: String, _ path: String, query: String = "", body: String = "", region: String,
        key: (String, String) = ("AKIDA", "a-secret")
    ) throws -> RawHTTP.Answer {
        try #require(
            try RawHTTP(port: port).exchange(
                request(port, method, path, query: query, body: body, region: region, key: key)))
    }

    /// Imports `ids` (each in the Region its entry names) signed for `region`: the answer's JSON.
    static func importFindings(_ port: Int, _ findings: [(String, String)], region: String) throws -> [String: Any] {
        let body = #"{"Findings": [\#(findings.map { finding($0.0, region: $0.1) }.joined(separator: ","))]}"#
        let answer = try send(port, "POST", "/findings/import", body: body, region: region)
        #expect(answer.status == 200, "\(answer.text)")
        return answer.json
    }

    /// The Ids GetFindings returns signed for `region`, sorted, and each one's workflow status.
    static func visible(_ port: Int, region: String, filters: String = "{}") throws -> [String: String] {
        let answer = try send(port, "POST", "/findings", body: #"{"Filters": \#(filters)}"#, region: region)
        #expect(answer.status == 200, "\(answer.text)")
        var out: [String: String] = [:]
        for finding in answer.json["Findings"] as? [[String: Any]] ?? [] {
            out[finding["Id"] as? String ?? ""] = (finding["Workflow"] as? [String: Any])?["Status"] as? String
        }
        return out
    }

    /// BatchUpdateFindings of `ids` (id, Region) setting `status`, signed for `region`.
    static func update(_ port: Int, _ ids: [(String, String)], status: String, region: String) throws -> RawHTTP.Answer
    {
        let identifiers = ids.map { #"{"Id": "\#($0.0)", "ProductArn": "\#(productArn($0.1))"}"# }
        let body =
            #"{"FindingIdentifiers": [\#(identifiers.joined(separator: ","))], "Workflow": {"Status": "\#(status)"}}"#
        return try send(port, "PATCH", "/findings/batchupdate", body: body, region: region)
    }

    /// The Ids of an update's `ProcessedFindings` and its unprocessed ones with their codes.
    static func outcome(_ answer: RawHTTP.Answer) -> (processed: Set<String>, unprocessed: [String: String]) {
        let processed = (answer.json["ProcessedFindings"] as? [[String: Any]] ?? []).compactMap { $0["Id"] as? String }
        var unprocessed: [String: String] = [:]
        for entry in answer.json["UnprocessedFindings"] as? [[String: Any]] ?? [] {
            let id = (entry["FindingIdentifier"] as? [String: Any])?["Id"] as? String ?? ""
            unprocessed[id] = entry["ErrorCode"] as? String
        }
        return (Set(processed), unprocessed)
    }

    @Test func eachRegionSeesUpdatesAndImportsOnlyItsOwnFindings() throws {
        let server = try ServeProcess(config: Self.regionConfig())
        let port = server.port
        #expect(
            try Self.importFindings(port, [("east", "us-east-1")], region: "us-east-1")["SuccessCount"] as? Int == 1)
        #expect(
            try Self.importFindings(port, [("west", "eu-west-1")], region: "eu-west-1")["SuccessCount"] as? Int == 1)
        // A finding of another Region's product is refused, the others of the request go on.
        let mixed = try Self.importFindings(
            port, [("east-2", "us-east-1"), ("west-2", "eu-west-1")], region: "us-east-1")
        #expect(mixed["SuccessCount"] as? Int == 1 && mixed["FailedCount"] as? Int == 1)
        let failed = try #require((mixed["FailedFindings"] as? [[String: Any]])?.first)
        #expect(failed["Id"] as? String == "west-2" && failed["ErrorCode"] as? String == "AccessDenied")
        #expect(
            failed["ErrorMessage"] as? String
                == "Not authorized to perform: securityhub:BatchImportFindings on resource: "
                + "\(Self.productArn("eu-west-1")) (the ProductArn's Region (eu-west-1) is not the Region the request is "
                + "signed for, us-east-1; import the finding in its own Region)")

        #expect(try Self.visible(port, region: "us-east-1") == ["east": "NEW", "east-2": "NEW"])
        #expect(try Self.visible(port, region: "eu-west-1") == ["west": "NEW"])
        #expect(try Self.visible(port, region: "ap-south-1").isEmpty)
        let otherRegion = #"{"Region": [{"Value": "eu-west-1", "Comparison": "EQUALS"}]}"#
        #expect(try Self.visible(port, region: "us-east-1", filters: otherRegion).isEmpty)

        // An update signed for us-east-1 does not reach eu-west-1's finding: FindingNotFound, unchanged.
        let answer = try Self.update(
            port, [("east", "us-east-1"), ("west", "eu-west-1")], status: "RESOLVED", region: "us-east-1")
        #expect(answer.status == 200, "\(answer.text)")
        let outcome = Self.outcome(answer)
        #expect(outcome.processed == ["east"] && outcome.unprocessed == ["west": "FindingNotFound"])
        #expect(try Self.visible(port, region: "eu-west-1") == ["west": "NEW"])
        #expect(try Self.visible(port, region: "us-east-1")["east"] == "RESOLVED")
        #expect(server.stop() == 0)
    }

    @Test func theAggregationRegionSeesAndUpdatesItsLinkedRegions() throws {
        let server = try ServeProcess(config: Self.regionConfig(Self.aggregator))
        let port = server.port
        _ = try Self.importFindings(port, [("east", "us-east-1")], region: "us-east-1")
        _ = try Self.importFindings(port, [("west", "eu-west-1")], region: "eu-west-1")
        _ = try Self.importFindings(port, [("south", "ap-south-1")], region: "ap-south-1")
        #expect(try Self.visible(port, region: "us-east-1") == ["east": "NEW", "west": "NEW"])
        #expect(try Self.visible(port, region: "eu-west-1") == ["west": "NEW"])
        #expect(try Self.visible(port, region: "ap-south-1") == ["south": "NEW"])
        // The aggregation Region still imports only its own products' findings.
        let refused = try Self.importFindings(port, [("west-2", "eu-west-1")], region: "us-east-1")
        #expect(refused["FailedCount"] as? Int == 1)

        let answer = try Self.update(
            port, [("east", "us-east-1"), ("west", "eu-west-1"), ("south", "ap-south-1")], status: "NOTIFIED",
            region: "us-east-1")
        let outcome = Self.outcome(answer)
        #expect(outcome.processed == ["east", "west"] && outcome.unprocessed == ["south": "FindingNotFound"])
        // The linked Region sees the update: it is the same finding.
        #expect(try Self.visible(port, region: "eu-west-1") == ["west": "NOTIFIED"])
        #expect(try Self.visible(port, region: "ap-south-1") == ["south": "NEW"])
        // A linked Region does not reach the aggregation Region's findings.
        let fromLinked = Self.outcome(
            try Self.update(
                port, [("east", "us-east-1"), ("west", "eu-west-1")], status: "RESOLVED", region: "eu-west-1"))
        #expect(fromLinked.processed == ["west"] && fromLinked.unprocessed == ["east": "FindingNotFound"])
        // An import in the linked Region is seen from the aggregation Region at once.
        _ = try Self.importFindings(port, [("west-3", "eu-west-1")], region: "eu-west-1")
        #expect(try Self.visible(port, region: "us-east-1")["west-3"] == "NEW")
        #expect(server.stop() == 0)
    }

    @Test func aWriteDrawsFromTheQuotaOfEveryRegionItImpacts() throws {
        let server = try ServeProcess(config: Self.regionConfig(Self.aggregator))
        let port = server.port
        _ = try Self.importFindings(port, [("east", "us-east-1")], region: "us-east-1")
        _ = try Self.importFindings(port, [("west", "eu-west-1")], region: "eu-west-1")
        // Buckets of 3: two updates from us-east-1 naming eu-west-1's finding take one token of each
        // Region; one from eu-west-1 takes one of each too (replicated to the aggregation Region).
        for _ in 0..<2 {
            #expect(
                try Self.update(port, [("west", "eu-west-1")], status: "NOTIFIED", region: "us-east-1").status == 200)
        }
        #expect(try Self.update(port, [("west", "eu-west-1")], status: "NEW", region: "eu-west-1").status == 200)
        // Both buckets are empty now.
        for region in ["us-east-1", "eu-west-1"] {
            let throttled = try Self.update(port, [("east", "us-east-1")], status: "NEW", region: region)
            #expect(throttled.status == 429 && throttled.errorType == "TooManyRequestsException", "\(region)")
        }
        // A Region the aggregator does not link keeps its own bucket.
        #expect(try Self.update(port, [("east", "us-east-1")], status: "NEW", region: "ap-south-1").status == 200)
        // Reads are not replicated: GetFindings from us-east-1 draws from its own GetFindings bucket only.
        #expect(try Self.visible(port, region: "us-east-1").count == 2)
        #expect(server.stop() == 0)
        #expect(server.log.split(separator: "\n").filter { $0.contains("error=TooManyRequestsException") }.count == 2)
    }

    // MARK: ListFindingAggregators and GetFindingAggregator

    /// `arn` as botocore puts a greedy label in the path: every `:` as `%3A`, `/` kept.
    static func pathLabel(_ arn: String) -> String { arn.replacingOccurrences(of: ":", with: "%3A") }

    @Test func withoutAnAggregatorTheListIsEmptyAndAnyARNIsNotFound() throws {
        let server = try ServeProcess(config: Self.regionConfig())
        let port = server.port
        let list = try Self.send(port, "GET", "/findingAggregator/list", region: "eu-west-1")
        #expect(list.status == 200 && list.text == #"{"FindingAggregators":[]}"#, "\(list.text)")
        let arn = "arn:aws:securityhub:us-east-1:111111111111:finding-aggregator/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
        let get = try Self.send(port, "GET", "/findingAggregator/get/" + Self.pathLabel(arn), region: "us-east-1")
        #expect(get.status == 404 && get.errorType == "ResourceNotFoundException", "\(get.text)")
        #expect(get.json["Message"] as? String == "Finding aggregator \(arn) not found in account 111111111111")
        #expect(server.stop() == 0)
    }

    @Test func theAggregatorIsListedAndDescribedFromAnyRegion() throws {
        let server = try ServeProcess(config: Self.regionConfig(Self.aggregator))
        let port = server.port
        var arns: Set<String> = []
        for region in ["us-east-1", "eu-west-1", "ap-south-1"] {
            let list = try Self.send(port, "GET", "/findingAggregator/list", query: "MaxResults=1", region: region)
            #expect(list.status == 200, "\(list.text)")
            let entries = list.json["FindingAggregators"] as? [[String: Any]] ?? []
            #expect(entries.count == 1 && list.json["NextToken"] == nil)
            arns.formUnion(entries.compactMap { $0["FindingAggregatorArn"] as? String })
        }
        let arn = try #require(arns.count == 1 ? arns.first : nil, "\(arns)")
        #expect(arn.hasPrefix("arn:aws:securityhub:us-east-1:111111111111:finding-aggregator/"))
        for path in ["/findingAggregator/get/" + Self.pathLabel(arn), "/findingAggregator/get/" + arn] {
            let get = try Self.send(port, "GET", path, region: "eu-west-1")
            #expect(get.status == 200, "\(get.text)")
            #expect(get.json["FindingAggregatorArn"] as? String == arn)
            #expect(get.json["FindingAggregationRegion"] as? String == "us-east-1")
            #expect(get.json["RegionLinkingMode"] as? String == "SPECIFIED_REGIONS")
            #expect(get.json["Regions"] as? [String] == ["eu-west-1"])
        }
        // Another account's ARN: not found; no ARN shape: invalid; a policy may deny the action.
        let other = arn.replacingOccurrences(of: ":111111111111:", with: ":222222222222:")
        let notFound = try Self.send(
            port, "GET", "/findingAggregator/get/" + Self.pathLabel(other), region: "us-east-1")
        #expect(notFound.status == 404 && notFound.errorType == "ResourceNotFoundException")
        let invalid = try Self.send(port, "GET", "/findingAggregator/get/not-an-arn", region: "us-east-1")
        #expect(invalid.status == 400 && invalid.errorType == "InvalidInputException", "\(invalid.text)")
        let badEscape = try Self.send(port, "GET", "/findingAggregator/get/arn%3", region: "us-east-1")
        #expect(badEscape.status == 400 && badEscape.errorType == "InvalidInputException", "\(badEscape.text)")
        let denied = try Self.send(
            port, "GET", "/findingAggregator/get/" + Self.pathLabel(arn), region: "us-east-1",
            key: ("AKIDNOGET", "noget-secret"))
        #expect(denied.status == 403 && denied.errorType == "AccessDeniedException", "\(denied.text)")
        for query in ["MaxResults=0", "MaxResults=101", "MaxResults=x", "NextToken=abc"] {
            let bad = try Self.send(port, "GET", "/findingAggregator/list", query: query, region: "us-east-1")
            #expect(bad.status == 400 && bad.errorType == "InvalidInputException", "\(query): \(bad.text)")
        }
        // The operation's own quota: us-east-1 has used its 5 (the 4 refused requests were admitted
        // before their parameters were read, as for every operation).
        let throttled = try Self.send(port, "GET", "/findingAggregator/list", region: "us-east-1")
        #expect(throttled.status == 429 && throttled.errorType == "TooManyRequestsException", "\(throttled.text)")
        // Another method is no operation.
        let post = try Self.send(port, "POST", "/findingAggregator/list", body: "{}", region: "us-east-1")
        #expect(post.status == 404 && post.errorType == "UnknownOperationException")
        #expect(server.stop() == 0)
        let logged = server.log.split(separator: "\n")
        #expect(logged.contains { $0.contains(" 111111111111 eu-west-1 GetFindingAggregator 200 ") }, "\(server.log)")
    }
}
