import Foundation
import Testing
import TriageCore
import TriageIO
import TriageTestSupport

/// A lane's temporary file gives back exactly the batches put in it, in order, with updates equal
/// to theirs byte for byte; what it holds is counted by input; damaged bytes are refused.
@Suite struct BatchSpillTests {
    /// Update members of every kind, as decision records give them (canonical forms differ from
    /// these: members reordered, `UserDefinedFields` sorted, numbers written as the encoder does).
    static let updates = [
        #""Workflow":{"Status":"RESOLVED"}"#,
        #""Note":{"UpdatedBy":"bot \"q\" \\ é 😀","Text":"line\nbreak\ttab \u0001"},"Confidence":0"#,
        #""Severity":{"Product":7.25,"Label":"HIGH","Normalized":70},"Criticality":100"#,
        #""Severity":{"Product":0.1},"VerificationState":"TRUE_POSITIVE""#,
        #""Severity":{"Product":99.99999},"Types":["Software and Configuration Checks/Vulnerabilities/CVE","Effects/Data Exposure"]"#,
        #""UserDefinedFields":{"zeta":"1","alpha":"a","mid":"ü"},"Workflow":{"Status":"NOTIFIED"}"#,
        #""RelatedFindings":[{"ProductArn":"arn:aws:securityhub:eu-west-1::product/aws/guardduty","Id":"x/1"}]"#,
        #""Severity":{"Product":1e-3,"Normalized":0},"Note":{"Text":"t","UpdatedBy":"u"}"#,
    ]

    static func canonical(_ members: String) throws -> CanonicalUpdate {
        guard case .object(let object) = try JSONParser.parse(Array("{\(members)}".utf8)),
            case .valid(let update) = UpdateDraft(decisionObject: object).checkUpdate()
        else {
            Issue.record("not a valid update: \(members)")
            throw CancellationError()
        }
        return update
    }

    @Test(arguments: updates)
    func theCanonicalFormDecodesToTheSameUpdate(members: String) throws {
        let update = try Self.canonical(members)
        let decoded = try #require(CanonicalUpdate.decoding(canonicalJSON: update.canonicalJSON))
        #expect(decoded.canonicalJSON == update.canonicalJSON)
        #expect(decoded == update)
    }

    @Test func bytesThatAreNotACanonicalUpdateAreRefused() throws {
        let update = try Self.canonical(#""Severity":{"Label":"HIGH"},"Workflow":{"Status":"NEW"}"#)
        // Valid JSON, valid update, but not in canonical order: not the bytes of any update.
        #expect(
            CanonicalUpdate.decoding(
                canonicalJSON: Array(#"{"Workflow":{"Status":"NEW"},"Severity":{"Label":"HIGH"}}"#.utf8)) == nil)
        #expect(CanonicalUpdate.decoding(canonicalJSON: Array(update.canonicalJSON.dropLast())) == nil)
        #expect(CanonicalUpdate.decoding(canonicalJSON: Array(#"{"Workflow":{"Status":"DONE"}}"#.utf8)) == nil)
    }

    /// Batch `index`: 1 to 100 members, products shared or not, over two inputs.
    static func batch(_ index: Int, updates: [CanonicalUpdate]) -> PlannedBatch {
        let size = 1 + (index * 37) % 100
        let members = (0..<size).map { position in
            let sequence = index * 1_000 + position
            let product =
                position % 3 == 0
                ? "arn:aws:securityhub:us-east-1::product/aws/securityhub"
                : "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default-\(position % 2)"
            return BatchMember(
                sequence: sequence,
                identifier: FindingIdentifier(
                    id: "finding/\(sequence)/ü-\(String(repeating: "x", count: index % 40))", productArn: product),
                source: SourceLocation(input: sequence % 2, line: sequence + 1))
        }
        return PlannedBatch(update: updates[index % updates.count], members: members, region: "us-east-\(index % 3)")
    }

    static func expectSame(_ read: PlannedBatch, _ written: PlannedBatch) {
        #expect(read.members == written.members)
        #expect(read.region == written.region)
        #expect(read.update.canonicalJSON == written.update.canonicalJSON)
    }

    @Test func batchesComeBackInOrderWhileMoreAreAppended() throws {
        let directory = TestPaths.temporaryDirectory("batch-spill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let updates = try Self.updates.map(Self.canonical)
        let spill = try BatchSpill(directory: directory.path, kind: "lane")
        defer { spill.close() }
        // The file is unlinked at once: nothing is left in the directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        var written: [PlannedBatch] = []
        var taken = 0
        for index in 0..<300 {
            let batch = Self.batch(index, updates: updates)
            try spill.append(batch)
            written.append(batch)
            // Take one back after every second append, and empty the file now and then.
            let keep = index % 50 == 49 ? 0 : index % 2 == 1 ? spill.count - 1 : spill.count
            while spill.count > keep {
                Self.expectSame(try spill.next(), written[taken])
                taken += 1
            }
            let waiting = written[taken...].flatMap(\.members)
            #expect(spill.count == written.count - taken)
            #expect(spill.recordsByInput == Dictionary(grouping: waiting, by: \.source.input).mapValues(\.count))
        }
        while spill.count > 0 {
            Self.expectSame(try spill.next(), written[taken])
            taken += 1
        }
        #expect(taken == written.count)
        #expect(spill.recordsByInput.isEmpty)
    }

    @Test func damagedBytesAreNotABatch() throws {
        let updates = try Self.updates.map(Self.canonical)
        var bytes: [UInt8] = []
        PlannedBatchBytes.append(Self.batch(7, updates: updates), to: &bytes)
        let decode = { (bytes: [UInt8]) in
            PlannedBatchBytes.decode(bytes) { CanonicalUpdate.decoding(canonicalJSON: $0) }
        }
        #expect(decode(bytes) != nil)
        for cut in [0, 1, bytes.count / 2, bytes.count - 1] { #expect(decode(Array(bytes[..<cut])) == nil) }
        #expect(decode(bytes + [0]) == nil)
        var damaged = bytes
        damaged[3] ^= 0x20  // inside the update's JSON
        #expect(decode(damaged) == nil)
    }
}
