import Foundation
import GRDB
import Testing
import TriageCore
import TriageStore
import TriageTestSupport

/// Finding keys are stored, looked up, compared and ordered byte for byte: an `Id` may hold any
/// character (the API only forbids whitespace-only ones), NUL and canonically equivalent
/// spellings included.
@Suite struct StoreKeyBytesTests {
    typealias Data = StoreTestData
    static let now = "2026-11-24T02:00:00.000Z"
    static let nulA = "dup\u{0}AAA"
    static let nulB = "dup\u{0}BBB"
    /// "é" precomposed (C3 A9) and decomposed (65 CC 81): equal as Swift strings, two keys here.
    static let composed = "caf\u{E9}"
    static let decomposed = "cafe\u{301}"

    static func key(_ id: String) -> FindingIdentifier {
        FindingIdentifier(id: id, productArn: StoreTestData.guardDutyArn)
    }

    static func apply(_ store: FindingsStore, _ update: FindingUpdate, to ids: [String]) throws -> [Outcome] {
        try store.apply(
            batch: ids.enumerated().map { (sequence: $0.offset, identifier: key($0.element)) }, update: update, now: now
        )
    }

    static func exportedIds(_ store: FindingsStore) throws -> [String] {
        var ids: [String] = []
        try store.exportAll { bytes in
            guard case .string(let id)? = try JSONParser.parse(bytes)[key: "Id"] else { return }
            ids.append(id)
        }
        return ids
    }

    @Test func idsThatDifferAfterANulAreTwoFindings() throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [Data.document(id: Self.nulA), Data.document(id: Self.nulB)])
            #expect(outcomes == [.created(Self.key(Self.nulA)), .created(Self.key(Self.nulB))])
            #expect(try store.count() == 2)
            #expect(try Self.exportedIds(store) == [Self.nulA, Self.nulB])
            // The exported JSON escapes the NUL.
            var lines: [String] = []
            try store.exportAll { lines.append(String(decoding: $0, as: UTF8.self)) }
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.contains(#"dup\u0000"#) && !$0.contains("\u{0}") })
            // GetFindings-style lookups see each, and nothing at the truncated key.
            #expect(Data.value(try Data.stored(store, id: Self.nulA), "Id") == .string(Self.nulA))
            #expect(Data.value(try Data.stored(store, id: Self.nulB), "Id") == .string(Self.nulB))
            #expect(try Data.stored(store, id: "dup") == nil)
        }
    }

    @Test func decisionsReachExactlyTheFindingTheyName() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(id: Self.nulA), Data.document(id: Self.nulB)])
            #expect(
                try Self.apply(store, FindingUpdate(workflowStatus: .suppressed), to: ["dup"]) == [
                    .failed(.findingNotFound)
                ])
            #expect(try Self.apply(store, FindingUpdate(workflowStatus: .resolved), to: [Self.nulA]) == [.processed])
            #expect(try Self.apply(store, FindingUpdate(workflowStatus: .notified), to: [Self.nulB]) == [.processed])
            #expect(Data.value(try Data.stored(store, id: Self.nulA), "Workflow.Status") == .string("RESOLVED"))
            #expect(Data.value(try Data.stored(store, id: Self.nulB), "Workflow.Status") == .string("NOTIFIED"))
        }
    }

    @Test func aReimportMatchesTheWholeKey() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(id: Self.nulA)])
            let later = Data.document(id: Self.nulB, updatedAt: "2026-02-01T00:00:00.000Z")
            #expect(try store.import(findings: [later]) == [.created(Self.key(Self.nulB))])
            let again = Data.document(id: Self.nulA, updatedAt: "2026-02-01T00:00:00.000Z")
            #expect(try store.import(findings: [again]) == [.updated(Self.key(Self.nulA))])
        }
    }

    @Test func canonicallyEquivalentIdsAreDistinctKeys() throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(
                findings: [Data.document(id: Self.composed), Data.document(id: Self.decomposed)])
            #expect(outcomes.count == 2 && outcomes.allSatisfy { if case .created = $0 { true } else { false } })
            #expect(try store.count() == 2)
            // One batch naming both: two findings, no duplicate.
            let both = try Self.apply(
                store, FindingUpdate(workflowStatus: .resolved), to: [Self.composed, Self.decomposed])
            #expect(both == [.processed, .processed])
            // The same bytes twice are a duplicate, whatever stands between them.
            let twice = try Self.apply(
                store, FindingUpdate(workflowStatus: .notified), to: [Self.composed, Self.decomposed, Self.composed])
            #expect(twice == [.processed, .processed, .failed(.duplicatedFindingIdentifier)])
            let ids = try Self.exportedIds(store)
            #expect(ids.map { Array($0.utf8) } == [Array(Self.decomposed.utf8), Array(Self.composed.utf8)])
        }
    }

    @Test func exportIsInByteOrder() throws {
        try Data.withStore { store, _ in
            let ids = ["a\u{1}", "a", "z", "a\u{0}b", "\u{E9}", "Z", "a\u{0}"]
            _ = try store.import(findings: ids.map { Data.document(id: $0) })
            let expected = ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(try Self.exportedIds(store).map { Array($0.utf8) } == expected.map { Array($0.utf8) })
        }
    }

    @Test func otherTextColumnsKeepTheirBytes() throws {
        try Data.withStore { store, path in
            let arn = "arn:aws:securityhub:eu\u{0}x:123456789012:product/123456789012/default"
            let document = Data.document(
                id: "f", productArn: arn,
                ["AwsAccountId": #""1234\u0000""#, "Compliance": #"{"Status":"PASSED\u0000"}"#])
            _ = try store.import(findings: [document])
            #expect(try store.finding(FindingIdentifier(id: "f", productArn: arn)) != nil)
            let columns = try DatabaseQueue(path: path.path).read { db in
                try Row.fetchOne(
                    db, sql: "SELECT hex(region), hex(aws_account_id), hex(compliance_status) FROM finding")
            }
            #expect(
                columns.map { row -> [String] in [row[0], row[1], row[2]] } == [
                    "65750078", "3132333400", "50415353454400",
                ])
        }
    }

    /// The same through the binary: import, export, apply.
    @Test func theCommandsKeepNulIdsApart() throws {
        let directory = TestPaths.temporaryDirectory("key-bytes")
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ lines: [String]) throws {
            try lines.map { $0 + "\n" }.joined().write(
                to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let arn = Data.guardDutyArn
        try write("f.ndjson", [Self.nulA, Self.nulB].map { String(decoding: Data.document(id: $0), as: UTF8.self) })
        func decision(_ id: String, _ status: String) -> String {
            #"{"Id":\#(Data.quoted(id)),"ProductArn":"\#(arn)","Workflow":{"Status":"\#(status)"}}"#
        }
        try write(
            "d.ndjson",
            [decision("dup", "SUPPRESSED"), decision(Self.nulA, "RESOLVED"), decision(Self.nulB, "NOTIFIED")])
        let imported = try CommandRun.triage(["import", "f.ndjson", "--store", "s.sqlite"], directory: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("2 imported (2 new, 0 updated)"), "\(imported.stderr)")
        let applied = try CommandRun.triage(
            ["apply", "d.ndjson", "--store", "s.sqlite", "--report", "r.json"], directory: directory)
        #expect(applied.status == 1, "\(applied.stderr)")
        let report = try JSONParser.parse(
            Array(try Foundation.Data(contentsOf: directory.appendingPathComponent("r.json"))))
        guard case .array(let unprocessed)? = report[key: "UnprocessedFindings"],
            case .array(let processed)? = report[key: "ProcessedFindings"]
        else {
            Issue.record("no report lists")
            return
        }
        #expect(processed.count == 2)
        #expect(unprocessed.count == 1)
        #expect(unprocessed.first?[key: "FindingIdentifier"]?[key: "Id"] == .string("dup"))
        #expect(unprocessed.first?[key: "ErrorCode"] == .string("FindingNotFound"))
        let exported = try CommandRun.triage(["export", "--store", "s.sqlite"], directory: directory)
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { !$0.contains("\u{0}") })
        let findings = try lines.map { try JSONParser.parse(Array($0.utf8)) }
        #expect(findings.map { $0[key: "Id"] } == [.string(Self.nulA), .string(Self.nulB)])
        #expect(findings.map { $0[key: "Workflow"]?[key: "Status"] } == [.string("RESOLVED"), .string("NOTIFIED")])
        #expect(lines.first?.contains(#""Id":"dup\u0000AAA""#) == true)
    }
}
