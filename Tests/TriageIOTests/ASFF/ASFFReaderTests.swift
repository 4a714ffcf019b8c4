import Foundation
import Testing
import TriageCore
import TriageTestSupport

@testable import TriageIO

/// A byte source over memory that hands out at most `chunk` bytes per read.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0
    init(_ bytes: [UInt8], chunk: Int = 1 << 20) {
        self.bytes = bytes
        self.chunk = chunk
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int {
        let count = min(buffer.count, chunk, bytes.count - offset)
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
        offset += count
        return count
    }
}

func readFindings(_ bytes: [UInt8], chunk: Int = 1 << 20) throws -> [[UInt8]] {
    let reader = ASFFReader(source: MemorySource(bytes, chunk: chunk))
    var findings: [[UInt8]] = []
    while let finding = try reader.next() { findings.append(finding) }
    return findings
}

@Suite struct ASFFReaderTests {
    static let files: [(String, Int)] = [
        ("aws-solutions-asr/afsbp-ec2.8.json", 1), ("aws-solutions-asr/afsbp-s3.2.json", 1),
        ("aws-solutions-asr/CIS-1.4.json", 1), ("defectdojo/config_multiple_resources.json", 2),
        ("defectdojo/guardduty.json", 4), ("defectdojo/inspector_ec2_ghsa.json", 1),
        ("defectdojo/inspector_ecr.json", 7),
        ("defectdojo/missing_account_id.json", 1),
        ("cloud-custodian/test_security_hub_mode_action_insight/securityhub.GetFindings_1.json", 5),
        ("cloud-custodian/test_ecr_image_filter_security_finding/securityhub.GetFindings_1.json", 1),
        ("cloud-custodian/test_larger_batch/securityhub.GetFindings_1.json", 2),
        ("cloud-custodian/test_security_hub_rds/securityhub.GetFindings_1.json", 1),
        ("cloud-custodian/test_security_hub_instance/securityhub.GetFindings_1.json", 1),
    ]

    @Test(arguments: files)
    func realWrappersYieldTheirFindings(file: String, count: Int) throws {
        let bytes = [UInt8](try Data(contentsOf: TestPaths.testData("asff/" + file)))
        let findings = try readFindings(bytes)
        #expect(findings.count == count)
        for finding in findings {
            guard case .object(let members) = try JSONParser.parse(finding) else {
                Issue.record("not an object")
                continue
            }
            #expect(members.contains { $0.key == "Id" })
        }
    }

    @Test(arguments: [1, 2, 7, 4096])
    func streamedWrapperArrayAndNDJSONAtChunkSizes(chunk: Int) throws {
        let finding = { (n: Int) in #"{"SchemaVersion":"2018-10-08","Id":"f\#(n)","ProductArn":"p","Title":"t \" ]}"}"#
        }
        let wrapped = #"{"Findings": [ "# + (0..<5).map(finding).joined(separator: " ,\n") + #" ], "NextToken": "x"}"#
        #expect(
            try readFindings(Array(wrapped.utf8), chunk: chunk).map { String(decoding: $0, as: UTF8.self) }
                == (0..<5).map(finding))
        let array = "[" + (0..<3).map(finding).joined(separator: ",") + "]"
        #expect(try readFindings(Array(array.utf8), chunk: chunk).count == 3)
        let ndjson = (0..<4).map(finding).joined(separator: "\n") + "\n"
        #expect(try readFindings(Array(ndjson.utf8), chunk: chunk).count == 4)
        #expect(try readFindings(Array("{\"Findings\":[]}".utf8), chunk: chunk).isEmpty)
    }

    @Test func brokenDocumentsSayWhere() {
        #expect(throws: TriageIOError.self) { try readFindings(Array(#"{"Findings":[{"Id":"a"},"#.utf8)) }
        #expect(throws: TriageIOError.self) { try readFindings(Array(#"{"Findings":[{"Id":"a"} {"#.utf8)) }
        #expect(throws: TriageIOError.self) { try readFindings(Array("nonsense".utf8)) }
    }
}
