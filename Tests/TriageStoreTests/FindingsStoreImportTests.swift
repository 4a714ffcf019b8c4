import Testing
import TriageCore
import TriageStore

/// `FindingsStore.import`: the BatchImportFindings rules of `docs/contract.md`.
@Suite struct FindingsStoreImportTests {
    typealias Data = StoreTestData
    static let now = "2026-11-24T02:00:00.000Z"
    static let later = "2026-02-01T00:00:00.000Z"

    static func key(_ id: String = "finding-1", _ productArn: String = StoreTestData.guardDutyArn) -> FindingIdentifier
    {
        FindingIdentifier(id: id, productArn: productArn)
    }

    static func apply(_ store: FindingsStore, _ update: FindingUpdate, productArn: String = StoreTestData.guardDutyArn)
        throws
    {
        let outcomes = try store.apply(batch: [(0, key("finding-1", productArn))], update: update, now: now)
        #expect(outcomes == [.processed])
    }

    @Test(arguments: [
        "SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title",
        "Description", "Resources",
    ])
    func everyRequiredMemberIsChecked(member: String) throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [Data.document([member: nil])])
            let expectedId: String? = member == "Id" ? nil : "finding-1"
            #expect(
                outcomes == [
                    .failed(id: expectedId, code: .invalidInput, message: "\(member): required member is missing")
                ])
            #expect(try store.count() == 0)
        }
    }

    @Test func severityMayComeFromFindingProviderFieldsOnly() throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [
                Data.document(id: "a", ["Severity": nil, "FindingProviderFields": #"{"Severity":{"Label":"LOW"}}"#]),
                Data.document(id: "b", ["Severity": nil]),
            ])
            #expect(outcomes[0] == .created(Self.key("a")))
            guard case .failed(let id, .invalidInput, let message) = outcomes[1] else {
                Issue.record("expected a failure")
                return
            }
            #expect(id == "b")
            #expect(message.hasPrefix("Severity: required member is missing"))
        }
    }

    @Test(arguments: [
        ("[1,2]", "not a JSON object"), ("{\"Id\":", "not a JSON object"),
    ])
    func aDocumentThatIsNotAnObjectFails(text: String, prefix: String) throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [Array(text.utf8)])
            guard case .failed(nil, .invalidInput, let message) = outcomes[0] else {
                Issue.record("expected a failure")
                return
            }
            #expect(message.hasPrefix(prefix))
        }
    }

    @Test(arguments: [
        ("Id", #"42"#, "Id: must be a string"),
        (
            "UpdatedAt", #""yesterday""#,
            #"Finding does not adhere to Amazon Finding Format. data.UpdatedAt should match format "date-time"."#
        ),
        ("RecordState", #""DELETED""#, "RecordState: must be ACTIVE or ARCHIVED"),
        ("Workflow", #"{"Status":"CLOSED"}"#, "Workflow.Status: must be one of NEW, NOTIFIED, RESOLVED, SUPPRESSED"),
        ("AwsAccountId", #""  ""#, "AwsAccountId: must contain a non-whitespace character"),
    ])
    func badValuesFailWithTheMemberNamed(member: String, value: String, message: String) throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [Data.document([member: value])])
            guard case .failed(_, .invalidInput, let reason) = outcomes[0] else {
                Issue.record("expected a failure")
                return
            }
            #expect(reason == message)
        }
    }

    @Test func defaultsAreAddedWhereMissingAndGivenValuesKept() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [
                Data.document(id: "bare"),
                Data.document(
                    id: "given",
                    [
                        "Workflow": #"{"Status":"NOTIFIED"}"#, "VerificationState": #""TRUE_POSITIVE""#,
                        "RecordState": #""ARCHIVED""#,
                    ]),
            ])
            let bare = try Data.stored(store, id: "bare")
            #expect(Data.value(bare, "Workflow.Status") == .string("NEW"))
            #expect(Data.value(bare, "VerificationState") == .string("UNKNOWN"))
            #expect(Data.value(bare, "RecordState") == .string("ACTIVE"))
            let given = try Data.stored(store, id: "given")
            #expect(Data.value(given, "Workflow.Status") == .string("NOTIFIED"))
            #expect(Data.value(given, "VerificationState") == .string("TRUE_POSITIVE"))
            #expect(Data.value(given, "RecordState") == .string("ARCHIVED"))
        }
    }

    @Test(arguments: [
        "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00", "2025-12-31T23:59:59.999Z",
    ])
    func anUpdatedAtNotLaterIsIgnored(updatedAt: String) throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document()])
            let before = try store.finding(Self.key())
            let outcomes = try store.import(findings: [Data.document(updatedAt: updatedAt, ["Title": #""changed""#])])
            #expect(outcomes == [.ignored(Self.key())])
            #expect(try store.finding(Self.key()) == before)
        }
    }

    @Test func aLaterImportReplacesProviderFieldsAndKeepsTheCustomers() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(["Types": #"["TTPs/Old"]"#, "Confidence": "10"])])
            try Self.apply(
                store,
                FindingUpdate(
                    note: NoteUpdate(text: "mine", updatedBy: "me"), verificationState: .falsePositive,
                    userDefinedFields: [UserDefinedField(key: "k", value: "v")], workflowStatus: .suppressed))
            let outcomes = try store.import(findings: [
                Data.document(
                    updatedAt: Self.later,
                    [
                        "Title": #""new title""#, "Types": #"["TTPs/New"]"#, "Confidence": "20",
                        "Note": #"{"Text":"provider","UpdatedBy":"p","UpdatedAt":"2026-02-01T00:00:00Z"}"#,
                        "Workflow": #"{"Status":"NEW"}"#, "VerificationState": #""TRUE_POSITIVE""#,
                        "UserDefinedFields": #"{"p":"q"}"#,
                        "FindingProviderFields": #"{"Severity":{"Label":"CRITICAL","Original":"9"}}"#,
                    ])
            ])
            #expect(outcomes == [.updated(Self.key())])
            let finding = try Data.stored(store)
            #expect(Data.value(finding, "Title") == .string("new title"))
            #expect(Data.value(finding, "UpdatedAt") == .string(Self.later))
            #expect(Data.value(finding, "Note.Text") == .string("mine"))
            #expect(Data.value(finding, "VerificationState") == .string("FALSE_POSITIVE"))
            #expect(Data.value(finding, "Workflow.Status") == .string("SUPPRESSED"))
            #expect(Data.value(finding, "UserDefinedFields") == .object([JSONMember(key: "k", value: .string("v"))]))
            // Fields not owned: the provider's FindingProviderFields value if given, else its top-level value.
            #expect(Data.value(finding, "Types") == .array([.string("TTPs/New")]))
            #expect(Data.value(finding, "Confidence") == .number(JSONNumber(literal: "20")!))
            #expect(
                Data.value(finding, "Severity")
                    == .object([
                        JSONMember(key: "Label", value: .string("CRITICAL")),
                        JSONMember(key: "Original", value: .string("9")),
                    ]))
            // FindingProviderFields follows: given values kept, the others filled from the top level.
            #expect(Data.value(finding, "FindingProviderFields.Severity.Label") == .string("CRITICAL"))
            #expect(Data.value(finding, "FindingProviderFields.Types") == .array([.string("TTPs/New")]))
            #expect(Data.value(finding, "FindingProviderFields.Confidence") == .number(JSONNumber(literal: "20")!))
        }
    }

    @Test func anOwnedFieldKeepsItsValueWhileFindingProviderFieldsTakesTheProviders() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(["Types": #"["TTPs/Old"]"#, "Criticality": "10"])])
            try Self.apply(
                store, FindingUpdate(severity: SeverityUpdate(label: .low), criticality: 99, types: ["Effects/Mine"]))
            _ = try store.import(findings: [
                Data.document(
                    updatedAt: Self.later,
                    [
                        "Severity": #"{"Label":"CRITICAL","Normalized":90}"#, "Types": #"["TTPs/New"]"#,
                        "Criticality": "30", "FindingProviderFields": #"{"Types":["TTPs/FromProviderFields"]}"#,
                    ])
            ])
            let finding = try Data.stored(store)
            #expect(Data.value(finding, "Severity.Label") == .string("LOW"))
            #expect(Data.value(finding, "Severity.Original") == .string("HIGH"))
            #expect(Data.value(finding, "Types") == .array([.string("Effects/Mine")]))
            #expect(Data.value(finding, "Criticality") == .number(JSONNumber(literal: "99")!))
            #expect(Data.value(finding, "FindingProviderFields.Types") == .array([.string("TTPs/FromProviderFields")]))
            #expect(Data.value(finding, "FindingProviderFields.Criticality") == .number(JSONNumber(literal: "30")!))
            #expect(Data.value(finding, "FindingProviderFields.Severity.Label") == .string("CRITICAL"))
            // Ownership survives the re-import: a third import still leaves the customer's values.
            _ = try store.import(findings: [
                Data.document(
                    updatedAt: "2026-03-01T00:00:00.000Z", ["Types": #"["TTPs/Third"]"#, "Criticality": "40"])
            ])
            let third = try Data.stored(store)
            #expect(Data.value(third, "Types") == .array([.string("Effects/Mine")]))
            #expect(Data.value(third, "FindingProviderFields.Types") == .array([.string("TTPs/Third")]))
        }
    }

    @Test func aReimportWithoutRecordStateKeepsTheStoredOne() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(["RecordState": #""ARCHIVED""#])])
            _ = try store.import(findings: [Data.document(updatedAt: Self.later)])
            #expect(Data.value(try Data.stored(store), "RecordState") == .string("ARCHIVED"))
        }
    }

    @Test(arguments: [WorkflowStatus.notified, .resolved, .suppressed])
    func reactivationReopensNotifiedAndResolved(status: WorkflowStatus) throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(["RecordState": #""ARCHIVED""#])])
            try Self.apply(store, FindingUpdate(workflowStatus: status))
            _ = try store.import(findings: [Data.document(updatedAt: Self.later, ["RecordState": #""ACTIVE""#])])
            let expected = status == .suppressed ? "SUPPRESSED" : "NEW"
            #expect(Data.value(try Data.stored(store), "Workflow.Status") == .string(expected))
        }
    }

    @Test(arguments: ["FAILED", "WARNING", "NOT_AVAILABLE"], [WorkflowStatus.notified, .resolved, .suppressed])
    func complianceRegressionReopensNotifiedAndResolved(compliance: String, status: WorkflowStatus) throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(["Compliance": #"{"Status":"PASSED"}"#])])
            try Self.apply(store, FindingUpdate(workflowStatus: status))
            _ = try store.import(findings: [
                Data.document(updatedAt: Self.later, ["Compliance": "{\"Status\":\"\(compliance)\"}"])
            ])
            let expected = status == .suppressed ? "SUPPRESSED" : "NEW"
            #expect(Data.value(try Data.stored(store), "Workflow.Status") == .string(expected))
        }
    }

    @Test func otherTransitionsLeaveTheWorkflowAlone() throws {
        try Data.withStore { store, _ in
            _ = try store.import(findings: [Data.document(["Compliance": #"{"Status":"FAILED"}"#])])
            try Self.apply(store, FindingUpdate(workflowStatus: .resolved))
            _ = try store.import(findings: [
                Data.document(updatedAt: Self.later, ["Compliance": #"{"Status":"WARNING"}"#])
            ])
            #expect(Data.value(try Data.stored(store), "Workflow.Status") == .string("RESOLVED"))
        }
    }

    @Test func aPassedControlFindingIsResolvedUnlessSuppressed() throws {
        let arn = StoreTestData.controlArn
        try Data.withStore { store, _ in
            let passed = #"{"Status":"PASSED"}"#
            let outcomes = try store.import(findings: [
                Data.document(id: "new", productArn: arn, ["Compliance": passed]),
                Data.document(id: "other-product", ["Compliance": passed]),
                Data.document(
                    id: "suppressed", productArn: arn, ["Compliance": passed, "Workflow": #"{"Status":"SUPPRESSED"}"#]),
                Data.document(id: "finding-1", productArn: arn, ["Compliance": #"{"Status":"FAILED"}"#]),
            ])
            let allSucceeded = outcomes.allSatisfy { $0.isSuccess }
            #expect(allSucceeded)
            #expect(
                Data.value(try Data.stored(store, id: "new", productArn: arn), "Workflow.Status") == .string("RESOLVED")
            )
            #expect(Data.value(try Data.stored(store, id: "other-product"), "Workflow.Status") == .string("NEW"))
            #expect(
                Data.value(try Data.stored(store, id: "suppressed", productArn: arn), "Workflow.Status")
                    == .string("SUPPRESSED"))
            // Updated to PASSED later: resolved too.
            try Self.apply(store, FindingUpdate(workflowStatus: .notified), productArn: arn)
            _ = try store.import(findings: [
                Data.document(productArn: arn, updatedAt: Self.later, ["Compliance": passed])
            ])
            #expect(Data.value(try Data.stored(store, productArn: arn), "Workflow.Status") == .string("RESOLVED"))
        }
    }

    @Test func aFindingPast240KBIsNotImported() throws {
        try Data.withStore { store, _ in
            let padding = String(repeating: "p", count: Limits.maxFindingBytes)
            let outcomes = try store.import(findings: [Data.document(["Padding": Data.quoted(padding)])])
            #expect(
                outcomes == [
                    .failed(id: "finding-1", code: .findingSizeExceeded, message: "Finding size exceeded 240 KB")
                ])
        }
    }

    @Test func theSameFindingTwiceInOneCallIsCreatedThenIgnored() throws {
        try Data.withStore { store, _ in
            let outcomes = try store.import(findings: [Data.document(), Data.document()])
            #expect(outcomes == [.created(Self.key()), .ignored(Self.key())])
            #expect(try store.count() == 1)
        }
    }
}
