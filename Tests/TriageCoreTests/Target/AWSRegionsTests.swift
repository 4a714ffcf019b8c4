import Foundation
import Testing
import TriageCore

/// The Region table against the installed botocore's `partitions.json`: every Region it lists
/// (less the `*-global` signing names) in the table's set for its partition, and nothing else.
@Suite struct AWSRegionsTests {
    /// `partition region` lines read from botocore, or the test fails saying why.
    static func botocoreRegions() throws -> [(partition: String, region: String)] {
        let script = """
            import botocore, json, os
            path = os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json")
            for partition in json.load(open(path))["partitions"]:
                for region in partition["regions"]:
                    print(partition["id"], region)
            """
        let output = try FilterFieldModelTests.run(
            ["python3", "-c", script], what: "reading botocore's partitions.json (python3 with botocore is needed)")
        return String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2 else { return nil }
            return (String(fields[0]), String(fields[1]))
        }
    }

    @Test func theTableHasExactlyBotocoresRegions() throws {
        let listed = try Self.botocoreRegions().filter { !$0.region.hasSuffix("-global") }
        #expect(listed.count > 40)
        for (partition, region) in listed {
            let set: Set<String> =
                switch partition {
                case "aws": AWSRegions.commercial
                case "aws-cn": AWSRegions.china
                case "aws-us-gov": AWSRegions.govCloud
                default: AWSRegions.isolated
                }
            #expect(set.contains(region), "botocore lists \(region) (\(partition)): add it to AWSRegions")
        }
        #expect(AWSRegions.names == Set(listed.map(\.region)))
        #expect(!AWSRegions.names.contains("aws-global"))
    }
}
