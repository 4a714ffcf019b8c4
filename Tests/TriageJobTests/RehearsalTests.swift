import Foundation
import Testing
import TriageCore
import TriageIO
import TriageJob
import TriageStore
import TriageTestSupport

/// A rehearsal (`StoreTarget(path:rehearsal: true)`) through the real pipeline: the outcomes of
/// a real run on the same store, batches in flight at once and findings repeated, a tally of
/// what would change that counts as a real run would, and not a byte written to the store.
@Suite struct RehearsalTests {
    static let productArn = "arn:aws:securityhub:eu-central-1::product/aws/guardduty"

    /// A minimal valid finding with `extra` raw JSON members appended.
    static func finding(_ id: String, _ extra: String = "") -> [UInt8] {
        var out: [UInt8] = Array(#"{"SchemaVersion":"2018-10-08","Id":"#.utf8)
        JSONText.appendString(id, to: &out)
        out.append(contentsOf: #","ProductArn":"\#(productArn)","GeneratorId":"g","AwsAccountId":"123456789012","#.utf8)
        out.append(contentsOf: #""CreatedAt":"2026-01-01T00:00:00.000Z","UpdatedAt":"2026-01-01T00:00:00.000Z","#.utf8)
        out.append(contentsOf: #""Title":"t","Description":"d","Resources":[{"Type":"Other","Id":"r"}],"#.utf8)
        out.append(contentsOf: #""Severity":{"Label":"HIGH","Normalized":70,"Original":"HIGH"}\#(extra)}"#.utf8)
        return out
    }

    static func decision(_ id: String, _ update: String) -> String {
        var line: [UInt8] = Array(#"{"Id":"#.utf8)
        JSONText.appendString(id, to: &line)
        line.append(contentsOf: #","ProductArn":"\#(productArn)",\#(update)}"#.utf8)
        return String(decoding: line, as: UTF8.self)
    }

    /// 40 findings `f00`...`f39`, one with 48 `UserDefinedFields`, one a few hundred bytes under
    /// 240 KB.
    static func makeStore(at path: String) throws {
        let store = try FindingsStore(path: path)
        var findings = (0..<40).map { finding(String(format: "f%02d", $0)) }
        let fields = (1...48).map { #""k\#($0)":"v""# }.joined(separator: ",")
        findings.append(finding("crowded", #","UserDefinedFields":{\#(fields)}"#))
        _ = try store.import(findings: findings)
        let probe = 200_000
        _ = try store.import(findings: [finding("heavz", #","Padding":"\#(String(repeating: "x", count: probe))""#)])
        let size = try #require(try store.finding(FindingIdentifier(id: "heavz", productArn: productArn))).count
        let padding = probe + Limits.maxFindingBytes - 300 - size
        _ = try store.import(findings: [finding("heavy", #","Padding":"\#(String(repeating: "x", count: padding))""#)])
    }

    static let updates = [
        #""Workflow":{"Status":"SUPPRESSED"}"#, #""Workflow":{"Status":"RESOLVED"}"#,
        #""VerificationState":"FALSE_POSITIVE","Workflow":{"Status":"SUPPRESSED"}"#, #""Severity":{"Label":"HIGH"}"#,
        #""Severity":{"Normalized":15}"#, #""Confidence":0"#, #""Confidence":99"#,
        #""UserDefinedFields":{"ticket":"A"}"#,
        #""UserDefinedFields":{"ticket":"B","owner":"x"}"#, #""Note":{"Text":"first","UpdatedBy":"a"}"#,
        #""Types":["TTPs/Discovery"],"Criticality":40"#, #""RelatedFindings":[{"ProductArn":"p","Id":"f00"}]"#,
    ]

    /// Random decisions, most for a few findings (so they repeat), some for missing ones, the
    /// crowded finding filling up to `InvalidInput`, and notes too big for the heavy one.
    static func decisions(seed: UInt64, count: Int) -> [String] {
        var generator = SplitMix64(state: seed)
        var lines: [String] = []
        for index in 0..<count {
            let pick = Int(generator.next() % 44)
            let id = pick < 40 ? String(format: "f%02d", pick % 12 == 0 ? pick : pick % 6) : "missing-\(pick)"
            lines.append(decision(id, updates[Int(generator.next() % UInt64(updates.count))]))
            if index % 97 == 0 {
                lines.append(decision("crowded", #""UserDefinedFields":{"n\#(index)":"x"}"#))
                lines.append(
                    decision("heavy", #""Note":{"Text":"\#(String(repeating: "n", count: 500))","UpdatedBy":"me"}"#))
            }
        }
        return lines
    }

    /// Outcomes by line from a JSON report.
    static func outcomes(_ reportPath: String) throws -> [Int: String] {
        let report = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: reportPath))))
        var result: [Int: String] = [:]
        for (list, processed) in [("ProcessedFindings", true), ("UnprocessedFindings", false)] {
            guard case .array(let entries)? = report[key: list] else { continue }
            for entry in entries {
                guard case .number(let line)? = entry[key: "source"]?[key: "line"], let number = Int(line.literal)
                else {
                    continue
                }
                if processed {
                    result[number] = "processed"
                } else if case .string(let code)? = entry[key: "ErrorCode"] {
                    result[number] = code
                }
            }
        }
        return result
    }

    static func run(
        _ input: String, target: StoreTarget, report: String, concurrency: Int, batchSize: Int, window: Int?
    )
        throws
    {
        var configuration = RunConfiguration(inputs: [input])
        configuration.dryRun = false
        configuration.target = target
        configuration.concurrency = concurrency
        configuration.batchSize = batchSize
        configuration.keyOrderWindow = window
        configuration.reportPath = report
        _ = try DecisionJob(configuration: configuration).run()
    }

    /// The store's files: the database, and its -wal when there is one.
    static func files(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            files[suffix] = try Data(contentsOf: URL(fileURLWithPath: path + suffix))
        }
        return files
    }

    /// (seed, concurrency, batch size, sort window; nil = the store's default, 0 = input order).
    @Test(arguments: [(UInt64(1), 4, 100, Int?.none), (2, 4, 7, 0), (3, 1, 1, nil), (4, 3, 33, 37)])
    func aRehearsalHasTheOutcomesOfARealRunAndWritesNothing(
        seed: UInt64, concurrency: Int, batchSize: Int, window: Int?
    )
        throws
    {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = Self.decisions(seed: seed, count: 1_200)
        let input = directory.appendingPathComponent("decisions.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let real = directory.appendingPathComponent("real.sqlite").path
        let rehearsed = directory.appendingPathComponent("rehearsed.sqlite").path
        let reference = directory.appendingPathComponent("reference.sqlite").path
        try Self.makeStore(at: real)
        try FileManager.default.copyItem(atPath: real, toPath: rehearsed)
        try FileManager.default.copyItem(atPath: real, toPath: reference)
        let before = try Self.files(rehearsed)

        let realReport = directory.appendingPathComponent("real.json").path
        try Self.run(
            input, target: try StoreTarget(path: real, clock: SystemClock.milliseconds), report: realReport,
            concurrency: concurrency,
            batchSize: batchSize, window: window)
        let target = try StoreTarget(path: rehearsed, rehearsal: true, clock: SystemClock.milliseconds)
        let rehearsalReport = directory.appendingPathComponent("rehearsal.json").path
        try Self.run(
            input, target: target, report: rehearsalReport, concurrency: concurrency, batchSize: batchSize,
            window: window)
        try target.finishRehearsal()

        let expected = try Self.outcomes(realReport)
        #expect(expected.count == lines.count)
        #expect(try Self.outcomes(rehearsalReport) == expected)
        for code in ["processed", "FindingNotFound", "InvalidInput", "FindingSizeExceeded"] {
            #expect(expected.values.contains(code), "the stream gave no \(code)")
        }
        #expect(try Self.files(rehearsed) == before)

        // The tally counts what applying the decisions one by one in input order counts.
        let store = try FindingsStore(path: reference)
        var tally = RehearsalTally()
        for (index, line) in lines.enumerated() {
            guard case .object(let members) = try JSONParser.parse(Array(line.utf8)),
                case .valid(let identifier, let update, _) = UpdateDraft(decisionObject: members).validate()[0]
            else {
                Issue.record("generated an invalid decision")
                return
            }
            let (_, changes) = try store.applyCountingChanges(
                batch: [(index, identifier)], update: update.update, now: "2026-01-01T00:00:00.000Z")
            tally.add(changes)
        }
        let summary = try #require(target.rehearsalSummary)
        #expect(summary == tally)
        #expect(summary.updatedFindings == expected.values.filter { $0 == "processed" }.count)
        #expect((summary.entry("Workflow.Status", "SUPPRESSED")?.alreadySo ?? 0) > 0)
    }

    @Test func theTallyCountsWhatEarlierBatchesDid() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sqlite").path
        try Self.makeStore(at: path)
        let lines = [
            Self.decision("f01", #""Workflow":{"Status":"SUPPRESSED"}"#),
            Self.decision("f01", #""Workflow":{"Status":"SUPPRESSED"}"#),  // already so, after the first
            Self.decision("f02", #""Workflow":{"Status":"SUPPRESSED"}"#),
            Self.decision("f01", #""VerificationState":"FALSE_POSITIVE""#),
            Self.decision("f02", #""Note":{"Text":"why","UpdatedBy":"me"}"#),
            Self.decision("f01", #""Severity":{"Label":"HIGH"}"#),  // HIGH and 70 already
            Self.decision("missing", #""Workflow":{"Status":"SUPPRESSED"}"#),
            Self.decision("crowded", #""UserDefinedFields":{"a":"1","b":"2"}"#),  // 50: fits
            Self.decision("crowded", #""UserDefinedFields":{"c":"3"}"#),  // 51 after the one above
        ]
        let input = directory.appendingPathComponent("d.ndjson").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let before = try Self.files(path)
        let target = try StoreTarget(path: path, rehearsal: true, clock: SystemClock.milliseconds)
        let report = directory.appendingPathComponent("r.json").path
        try Self.run(input, target: target, report: report, concurrency: 4, batchSize: 100, window: nil)
        try target.finishRehearsal()
        #expect(
            try Self.outcomes(report) == [
                1: "processed", 2: "processed", 3: "processed", 4: "processed", 5: "processed", 6: "processed",
                7: "FindingNotFound", 8: "processed", 9: "InvalidInput",
            ])
        let summary = try #require(target.rehearsalSummary)
        #expect(
            summary.lines == [
                "Note: 1 finding",
                "Severity.Label → HIGH: 1 finding, already so: 1",
                "Severity.Normalized → 70: 1 finding, already so: 1",
                "VerificationState → FALSE_POSITIVE: 1 finding, already so: 0",
                "UserDefinedFields: 1 finding, already so: 0",
                "Workflow.Status → SUPPRESSED: 3 findings, already so: 1",
            ])
        #expect(
            summary.entry("Workflow.Status", "SUPPRESSED")
                == RehearsalTally.Entry(
                    member: "Workflow.Status", value: "SUPPRESSED", findings: 3, alreadySo: 1))
        #expect(summary.updatedFindings == 7)
        #expect(try Self.files(path) == before)
    }

    @Test func aRehearsalRefusesWhatARealRunRefuses() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        let junk = directory.appendingPathComponent("junk.sqlite").path
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: junk))
        for path in [directory.appendingPathComponent("missing.sqlite").path, empty, junk, directory.path] {
            let real = #expect(throws: CoreError.self) {
                try StoreTarget(path: path, clock: SystemClock.milliseconds)
            }
            let rehearsal = #expect(throws: CoreError.self) {
                try StoreTarget(path: path, rehearsal: true, clock: SystemClock.milliseconds)
            }
            #expect(real != nil)
            #expect(rehearsal?.message == real?.message)
            #expect(rehearsal?.message.contains(path) == true)
        }
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing.sqlite").path))
    }

    @Test func aRealRunHasNoTally() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sqlite").path
        try Self.makeStore(at: path)
        let target = try StoreTarget(path: path, clock: SystemClock.milliseconds)
        #expect(target.rehearsalSummary == nil)
        #expect(!target.isRehearsal)
        try target.finishRehearsal()  // nothing to do
    }
}
