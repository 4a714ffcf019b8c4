import Testing
import TriageCore
import TriageStore

/// `FindingsStore.apply` against real SQLite files: the apply semantics of
/// `docs/contract.md` end to end, and the per-finding outcomes.
@Suite struct FindingsStoreApplyTests {
    typealias Data = StoreTestData
    static let now = "2026-11-24T02:00:00.000Z"

    static func key(_ id: String = "finding-1", _ productArn: String = StoreTestData.guardDutyArn) -> FindingIdentifier
    {
        FindingIdentifier(id: id, productArn: productArn)
    }

    static func apply(_ store: FindingsStore, _ update: FindingUpdate, to ids: [String]) throws -> [Outcome] {
        try store.apply(
            batch: ids.enumerated().map { (sequence: $0.offset, identifier: key($0.element)) }, update: update, now: now
        )
    }

    static let richDocument = StoreTestData.document([
        "UpdatedAt": #""2026-01-01T00:00:00.000Z""#, "WorkflowState": #""NEW""#, "RecordState": #""ACTIVE""#,
        "Compliance": #"{"Status":"FAILED"}"#,
        "FindingProviderFields": #"{"Severity":{"Label":"HIGH","Original":"HIGH"}}"#,
        "Vendor": #"{"Extra":[1.50,"x"]}"#,
    ])

    @Test func everyMemberIsAppliedAndEverythingElseIsUntouched() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Self.richDocument])
            let before = try #require(try Data.stored(store))
            let update = FindingUpdate(
                note: NoteUpdate(text: "Accepted risk", updatedBy: "triage-bot"),
                severity: SeverityUpdate(normalized: 15, product: 3), verificationState: .benignPositive,
                confidence: 80,
                criticality: 20, types: ["Effects/Data Exposure"],
                userDefinedFields: [UserDefinedField(key: "ticket", value: "SEC-1")], workflowStatus: .suppressed,
                relatedFindings: [Self.key("other")])
            #expect(try Self.apply(store, update, to: ["finding-1"]) == [.processed])
            let after = try #require(try Data.stored(store))
            #expect(Data.value(after, "Note.Text") == .string("Accepted risk"))
            #expect(Data.value(after, "Note.UpdatedBy") == .string("triage-bot"))
            #expect(Data.value(after, "Note.UpdatedAt") == .string(Self.now))
            #expect(Data.value(after, "Severity.Label") == .string("LOW"))
            #expect(Data.value(after, "Severity.Normalized") == .number(JSONNumber(literal: "15")!))
            #expect(Data.value(after, "Severity.Product") == .number(JSONNumber(literal: "3")!))
            #expect(Data.value(after, "Severity.Original") == .string("HIGH"))
            #expect(Data.value(after, "VerificationState") == .string("BENIGN_POSITIVE"))
            #expect(Data.value(after, "Confidence") == .number(JSONNumber(literal: "80")!))
            #expect(Data.value(after, "Criticality") == .number(JSONNumber(literal: "20")!))
            #expect(Data.value(after, "Types") == .array([.string("Effects/Data Exposure")]))
            #expect(Data.value(after, "UserDefinedFields.ticket") == .string("SEC-1"))
            #expect(Data.value(after, "Workflow.Status") == .string("SUPPRESSED"))
            #expect(Data.value(after, "RelatedFindings") != nil)
            // §3 "untouched": UpdatedAt, WorkflowState, RecordState, Compliance, FindingProviderFields,
            // unknown members.
            for name in [
                "UpdatedAt", "WorkflowState", "RecordState", "Compliance", "FindingProviderFields", "Vendor", "Title",
            ] {
                #expect(Data.value(after, name) == Data.value(before, name), "\(name)")
            }
        }
    }

    @Test func severityDerivationsWorkThroughTheStore() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(id: "a"), Data.document(id: "b")])
            _ = try Self.apply(store, FindingUpdate(severity: SeverityUpdate(normalized: 95)), to: ["a"])
            _ = try Self.apply(store, FindingUpdate(severity: SeverityUpdate(label: .medium)), to: ["b"])
            let a = try Data.stored(store, id: "a")
            let b = try Data.stored(store, id: "b")
            #expect(Data.value(a, "Severity.Label") == .string("CRITICAL"))
            #expect(Data.value(b, "Severity.Normalized") == .number(JSONNumber(literal: "40")!))
            #expect(Data.value(b, "Severity.Original") == .string("HIGH"))
        }
    }

    @Test func outcomesFollowTheMembersOrder() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: ["m", "c", "x"].map { Data.document(id: $0) })
            let outcomes = try Self.apply(
                store, FindingUpdate(workflowStatus: .notified), to: ["x", "missing", "c", "x", "m", "c"])
            #expect(
                outcomes == [
                    .processed, .failed(.findingNotFound), .processed, .failed(.duplicatedFindingIdentifier),
                    .processed,
                    .failed(.duplicatedFindingIdentifier),
                ])
            #expect(Outcome.failed(.findingNotFound) == .failed(.findingNotFound, "Finding Not Found"))
            for id in ["m", "c", "x"] {
                #expect(Data.value(try Data.stored(store, id: id), "Workflow.Status") == .string("NOTIFIED"))
            }
        }
    }

    @Test func theLowestSequenceOfADuplicateIsApplied() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            let outcomes = try store.apply(
                batch: [(sequence: 9, identifier: Self.key()), (sequence: 3, identifier: Self.key())],
                update: FindingUpdate(confidence: 5), now: Self.now)
            #expect(outcomes == [.failed(.duplicatedFindingIdentifier), .processed])
        }
    }

    @Test func aFindingOfAnotherProductIsNotFound() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            let outcomes = try store.apply(
                batch: [(sequence: 0, identifier: Self.key("finding-1", StoreTestData.controlArn))],
                update: FindingUpdate(confidence: 5), now: Self.now)
            #expect(outcomes == [.failed(.findingNotFound)])
        }
    }

    @Test func userDefinedFieldsOverflowFailsThatFindingOnly() throws {
        let pairs = (0..<45).map { "\"k\($0)\":\"v\"" }.joined(separator: ",")
        try Data.withStore { store, _ in
            _ = try store.import(findings: [
                Data.document(id: "a-full", ["UserDefinedFields": "{\(pairs)}"]), Data.document(id: "z-empty"),
            ])
            let before = try store.finding(Self.key("a-full"))
            let update = FindingUpdate(userDefinedFields: (0..<6).map { UserDefinedField(key: "n\($0)", value: "v") })
            #expect(try Self.apply(store, update, to: ["a-full", "z-empty"]) == [.failed(.invalidInput), .processed])
            #expect(try store.finding(Self.key("a-full")) == before)
            let merged = Data.value(try Data.stored(store, id: "z-empty"), "UserDefinedFields")
            guard case .object(let members)? = merged else { throw StoreTestData.TestDataError.missing("UDF") }
            #expect(members.count == 6)
        }
    }

    @Test func aFindingPast240KBIsRejectedAndUnchanged() throws {
        try Data.withStore { store, _ in
            let padding = String(repeating: "p", count: Limits.maxFindingBytes - 1200)
            _ = try store.import(findings: [
                Data.document(id: "big", ["Padding": Data.quoted(padding)]), Data.document(id: "small"),
            ])
            let before = try #require(try store.finding(Self.key("big")))
            #expect(before.count <= Limits.maxFindingBytes)
            let note = FindingUpdate(
                note: NoteUpdate(
                    text: String(repeating: "n", count: 512), updatedBy: String(repeating: "u", count: 512)))
            #expect(try Self.apply(store, note, to: ["small", "big"]) == [.processed, .failed(.findingSizeExceeded)])
            #expect(try store.finding(Self.key("big")) == before)
            // A smaller note still fits: the check is on the composed size, not a rough estimate.
            let small = FindingUpdate(note: NoteUpdate(text: "ok", updatedBy: "u"))
            #expect(try Self.apply(store, small, to: ["big"]) == [.processed])
            #expect(try #require(try store.finding(Self.key("big"))).count <= Limits.maxFindingBytes)
        }
    }

    @Test func aBatchIsOneTransaction() throws {
        try Data.withStore { store, path in
            _ = try store.import(findings: [Data.document()])
            _ = try Self.apply(store, FindingUpdate(workflowStatus: .resolved), to: ["finding-1"])
            // A second store on the same file sees the committed change.
            let reader = try FindingsStore(path: path.path)
            #expect(Data.value(try Data.stored(reader), "Workflow.Status") == .string("RESOLVED"))
        }
    }

    @Test func aReadOnlyStoreRefusesToApply() throws {
        try Data.withStore { store, path in
            _ = try store.import(findings: [Data.document()])
            var options = StoreOptions()
            options.readOnly = true
            let reader = try FindingsStore(path: path.path, options: options)
            #expect(try reader.count() == 1)
            let error = #expect(throws: StoreError.self) {
                try reader.apply(batch: [(0, Self.key())], update: FindingUpdate(confidence: 1), now: Self.now)
            }
            #expect(error?.code == .readOnly)
        }
    }
}
