import Foundation
import Testing
import TriageCore
import TriageStore
import TriageTestSupport

/// A store opened for a rehearsal applies batches through the same statements as a real run,
/// with the same outcomes, batches seeing each other's changes, and writes nothing to its file.
@Suite struct StoreRehearsalTests {
    typealias Data = StoreTestData
    static let now = "2026-11-24T02:00:00.000Z"

    static func key(_ id: String) -> FindingIdentifier {
        FindingIdentifier(id: id, productArn: StoreTestData.guardDutyArn)
    }

    static func options(_ access: StoreOptions.Access, cacheKiB: Int? = nil) -> StoreOptions {
        var options = StoreOptions()
        options.access = access
        if let cacheKiB { options.cacheSizeKiB = cacheKiB }
        return options
    }

    /// The bytes of the file and of each of its -wal and -shm that exists (the -shm only by
    /// existence: readers write their marks in it).
    static func files(_ path: String) throws -> [String: Foundation.Data] {
        var files: [String: Foundation.Data] = [:]
        for suffix in ["", "-wal", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            files[suffix] = try Foundation.Data(contentsOf: URL(fileURLWithPath: path + suffix))
        }
        if FileManager.default.fileExists(atPath: path + "-shm") { files["-shm"] = Foundation.Data() }
        return files
    }

    /// A finding with 49 `UserDefinedFields`: one more key fits, two do not.
    static let crowded = StoreTestData.document(
        id: "crowded",
        [
            "UserDefinedFields":
                "{" + (1...49).map { #""k\#($0)":"v""# }.joined(separator: ",") + "}"
        ])

    /// A finding about 200 bytes under 240 KB: a 512-character note takes it over.
    static func heavy(in store: FindingsStore) throws -> [UInt8] {
        func document(id: String, padding: Int) -> [UInt8] {
            StoreTestData.document(id: id, ["Padding": "\"" + String(repeating: "x", count: padding) + "\""])
        }
        // Measured on a finding whose Id has the same length.
        let probe = 200_000
        _ = try store.import(findings: [document(id: "heavz", padding: probe)])
        let size = try #require(try store.finding(key("heavz"))).count
        return document(id: "heavy", padding: probe + Limits.maxFindingBytes - 200 - size)
    }

    /// Batches that give every outcome a store can give, several touching the same findings.
    static let batches: [(ids: [String], update: FindingUpdate)] = [
        (["a", "b", "missing"], FindingUpdate(workflowStatus: .suppressed)),
        (["a", "c", "a"], FindingUpdate(workflowStatus: .suppressed)),  // a: already so; then a duplicate
        (["crowded"], FindingUpdate(userDefinedFields: [UserDefinedField(key: "n1", value: "x")])),  // 50: fits
        // 51 for "crowded": InvalidInput.
        (["crowded", "a"], FindingUpdate(userDefinedFields: [UserDefinedField(key: "n2", value: "x")])),
        (["heavy", "b"], FindingUpdate(note: NoteUpdate(text: String(repeating: "n", count: 512), updatedBy: "me"))),
        (["b", "c"], FindingUpdate(severity: SeverityUpdate(label: .critical), verificationState: .falsePositive)),
        (["b"], FindingUpdate(severity: SeverityUpdate(normalized: 90), verificationState: .falsePositive)),
    ]

    static func run(_ store: FindingsStore) throws -> [(outcomes: [Outcome], changes: BatchChanges)] {
        var sequence = 0
        return try batches.map { ids, update in
            let batch = ids.map { id -> (sequence: Int, identifier: FindingIdentifier) in
                sequence += 1
                return (sequence, key(id))
            }
            return try store.applyCountingChanges(batch: batch, update: update, now: now)
        }
    }

    static func makeStore(_ path: String) throws {
        let store = try FindingsStore(path: path)
        let heavy = try heavy(in: store)
        _ = try store.import(findings: ["a", "b", "c"].map { StoreTestData.document(id: $0) } + [crowded, heavy])
    }

    @Test func aRehearsalGivesARealRunsOutcomesAndWritesNothing() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("real.sqlite").path
        let rehearsed = directory.appendingPathComponent("rehearsed.sqlite").path
        try Self.makeStore(real)
        try FileManager.default.copyItem(atPath: real, toPath: rehearsed)
        let before = try Self.files(rehearsed)
        #expect(Array(before.keys) == [""])

        let expected = try Self.run(try FindingsStore(path: real, options: Self.options(.update)))
        let store = try FindingsStore(path: rehearsed, options: Self.options(.rehearsal))
        let actual = try Self.run(store)
        #expect(actual.map(\.outcomes) == expected.map(\.outcomes))
        #expect(actual.map(\.changes) == expected.map(\.changes))
        #expect(
            expected.map(\.outcomes) == [
                [.processed, .processed, .failed(.findingNotFound)],
                [.processed, .processed, .failed(.duplicatedFindingIdentifier)],
                [.processed],
                [.failed(.invalidInput), .processed],
                [.failed(.findingSizeExceeded), .processed],
                [.processed, .processed],
                [.processed],
            ])
        #expect(expected[1].changes.alreadySo == [1])  // "a" was suppressed by the first batch
        #expect(
            expected[6].changes.members.map(\.path.name) == [
                "Severity.Label", "Severity.Normalized", "VerificationState",
            ])
        #expect(expected[6].changes.alreadySo == [1, 1, 1])

        // Inside the rehearsal its changes show; after it, nothing of them is anywhere.
        #expect(Data.value(try Data.stored(store, id: "a"), "Workflow.Status") == .string("SUPPRESSED"))
        try store.finishRehearsal()
        #expect(try Self.files(rehearsed) == before)
        let reopened = try FindingsStore(path: rehearsed, options: Self.options(.readOnly))
        #expect(Data.value(try Data.stored(reopened, id: "a"), "Workflow.Status") == .string("NEW"))
        #expect(Data.value(try Data.stored(reopened, id: "crowded"), "UserDefinedFields.n1") == nil)
    }

    @Test func aRehearsalPastThePageCacheWritesNothing() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.sqlite").path
        let ids = (0..<3_000).map { String(format: "finding-%05d", $0) }
        do {
            let store = try FindingsStore(path: path)
            _ = try store.import(findings: ids.map { StoreTestData.document(id: $0) })
        }
        let before = try Self.files(path)
        #expect(Array(before.keys) == [""])
        // 64 KiB of page cache: the changed pages would spill to the WAL many times over.
        let store = try FindingsStore(path: path, options: Self.options(.rehearsal, cacheKiB: 64))
        let note = FindingUpdate(note: NoteUpdate(text: String(repeating: "z", count: 500), updatedBy: "rehearsal"))
        for round in 0..<3 {
            for start in stride(from: 0, to: ids.count, by: 100) {
                let batch = ids[start..<(start + 100)].enumerated().map {
                    (sequence: round * 10_000 + $0.offset, identifier: Self.key($0.element))
                }
                let (outcomes, changes) = try store.applyCountingChanges(batch: batch, update: note, now: Self.now)
                #expect(outcomes.allSatisfy { $0 == .processed })
                #expect(changes.updated == 100)
            }
        }
        // Not a page went to the file or the WAL, even before the rollback.
        let during = try Self.files(path)
        #expect(during[""] == before[""])
        #expect((during["-wal"]?.count ?? 0) == 0)
        try store.finishRehearsal()
        #expect(try Self.files(path) == before)
        // Finished: nothing more is applied.
        #expect(throws: StoreError.self) {
            try store.apply(batch: [(0, Self.key(ids[0]))], update: note, now: Self.now)
        }
    }

    @Test func aRehearsalLeavesAWalWithFramesAsItFoundIt() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("live.sqlite").path
        let path = directory.appendingPathComponent("crashed.sqlite").path
        // A store whose last commits are still in its WAL, as a crash leaves it.
        var options = StoreOptions()
        options.backgroundCheckpoint = false
        options.walAutocheckpointPages = 1_000_000
        let live = try FindingsStore(path: source, options: options)
        _ = try live.import(findings: ["a", "b"].map { StoreTestData.document(id: $0) })
        _ = try live.apply(batch: [(0, Self.key("a"))], update: FindingUpdate(workflowStatus: .resolved), now: Self.now)
        try FileManager.default.copyItem(atPath: source, toPath: path)
        try FileManager.default.copyItem(atPath: source + "-wal", toPath: path + "-wal")
        let before = try Self.files(path)
        #expect(before["-wal"].map { $0.count > 0 } == true)

        let store = try FindingsStore(path: path, options: Self.options(.rehearsal))
        // The WAL's commits are seen: "a" is RESOLVED already.
        let (outcomes, changes) = try store.applyCountingChanges(
            batch: [(0, Self.key("a")), (1, Self.key("b"))], update: FindingUpdate(workflowStatus: .resolved),
            now: Self.now)
        #expect(outcomes == [.processed, .processed])
        #expect(changes.alreadySo == [1])
        try store.finishRehearsal()
        var after = try Self.files(path)
        after["-shm"] = nil
        var expected = before
        expected["-shm"] = nil
        #expect(after == expected)
    }

    @Test func aMissingOrEmptyStoreCannotBeRehearsed() throws {
        let directory = TestPaths.temporaryDirectory("rehearsal")
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("none.sqlite").path
        let error = #expect(throws: StoreError.self) {
            try FindingsStore(path: missing, options: Self.options(.rehearsal))
        }
        #expect(error?.code == .cannotOpen)
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
