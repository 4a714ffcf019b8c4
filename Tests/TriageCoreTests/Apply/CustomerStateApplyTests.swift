import Testing

@testable import TriageCore

/// The apply semantics of `docs/contract.md`, row by row, on ``CustomerState`` alone.
@Suite struct CustomerStateApplyTests {
    static let now = "2026-11-24T02:00:00.000Z"

    /// A state as an import of a typical control finding leaves it.
    static func stored(_ extra: String = "") throws -> CustomerState {
        try CustomerState(
            encoded: Array(
                """
                {"Severity":{"Label":"HIGH","Normalized":70,"Original":"8.1","Product":8.1},\
                "VerificationState":"UNKNOWN","Types":["Effects/Data Exposure"],\
                "UserDefinedFields":{"team":"web","env":"prod"},"Workflow":{"Status":"NEW"}\(extra)}
                """.utf8), owned: [])
    }

    static func applied(_ update: FindingUpdate, to state: CustomerState, providerBytes: Int = 1000) throws
        -> CustomerState
    {
        try state.applying(update, now: now, providerBytes: providerBytes).get()
    }

    static func object(_ value: JSONValue?) -> [String: JSONValue] {
        guard case .object(let members)? = value else { return [:] }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    static func number(_ literal: String) -> JSONValue { .number(JSONNumber(literal: literal)!) }

    @Test func noteIsReplacedAndStampedWithNow() throws {
        let state = try Self.applied(
            FindingUpdate(note: NoteUpdate(text: "first", updatedBy: "alice")), to: Self.stored())
        let again = try Self.applied(FindingUpdate(note: NoteUpdate(text: "second\nline", updatedBy: "bob")), to: state)
        #expect(
            String(decoding: again[json: .note]!, as: UTF8.self)
                == #"{"Text":"second\nline","UpdatedBy":"bob","UpdatedAt":"2026-11-24T02:00:00.000Z"}"#)
        #expect(again.owned.isEmpty)
    }

    @Test(arguments: [
        (0, "INFORMATIONAL"), (1, "LOW"), (39, "LOW"), (40, "MEDIUM"), (69, "MEDIUM"), (70, "HIGH"), (89, "HIGH"),
        (90, "CRITICAL"), (100, "CRITICAL"),
    ])
    func normalizedAloneDerivesTheLabel(normalized: Int, label: String) throws {
        let state = try Self.applied(FindingUpdate(severity: SeverityUpdate(normalized: normalized)), to: Self.stored())
        let severity = Self.object(state[.severity])
        #expect(severity["Normalized"] == Self.number(String(normalized)))
        #expect(severity["Label"] == .string(label))
        #expect(severity["Original"] == .string("8.1"))
        #expect(severity["Product"] == Self.number("8.1"))
        #expect(state.owned == .severity)
    }

    @Test(arguments: [
        (SeverityLabel.informational, 0), (.low, 1), (.medium, 40), (.high, 70), (.critical, 90),
    ])
    func labelAloneDerivesNormalized(label: SeverityLabel, normalized: Int) throws {
        let state = try Self.applied(FindingUpdate(severity: SeverityUpdate(label: label)), to: Self.stored())
        let severity = Self.object(state[.severity])
        #expect(severity["Label"] == .string(label.rawValue))
        #expect(severity["Normalized"] == Self.number(String(normalized)))
        #expect(severity["Original"] == .string("8.1"))
    }

    @Test func labelAndNormalizedAreStoredAsGiven() throws {
        let state = try Self.applied(
            FindingUpdate(severity: SeverityUpdate(label: .low, normalized: 95)), to: Self.stored())
        let severity = Self.object(state[.severity])
        #expect(severity["Label"] == .string("LOW"))
        #expect(severity["Normalized"] == Self.number("95"))
    }

    @Test func productIsStoredAndOriginalNeverChanges() throws {
        let state = try Self.applied(FindingUpdate(severity: SeverityUpdate(product: 2.5)), to: Self.stored())
        #expect(
            String(decoding: state[json: .severity]!, as: UTF8.self)
                == #"{"Label":"HIGH","Normalized":70,"Original":"8.1","Product":2.5}"#)
        let integral = try Self.applied(FindingUpdate(severity: SeverityUpdate(product: 40)), to: Self.stored())
        #expect(Self.object(integral[.severity])["Product"] == Self.number("40"))
    }

    @Test func severityOnAFindingWithoutOneCreatesIt() throws {
        let state = try Self.applied(FindingUpdate(severity: SeverityUpdate(label: .medium)), to: CustomerState())
        #expect(String(decoding: state[json: .severity]!, as: UTF8.self) == #"{"Label":"MEDIUM","Normalized":40}"#)
    }

    @Test func scalarsAreOverwritten() throws {
        let state = try Self.applied(
            FindingUpdate(verificationState: .falsePositive, confidence: 0, criticality: 100), to: Self.stored())
        #expect(state[.verificationState] == .string("FALSE_POSITIVE"))
        #expect(state[.confidence] == Self.number("0"))
        #expect(state[.criticality] == Self.number("100"))
        #expect(state.owned == [.confidence, .criticality])
    }

    @Test(arguments: WorkflowStatus.allCases, WorkflowStatus.allCases)
    func anyWorkflowStatusMayFollowAnyOther(from: WorkflowStatus, to: WorkflowStatus) throws {
        let first = try Self.applied(FindingUpdate(workflowStatus: from), to: Self.stored())
        let second = try Self.applied(FindingUpdate(workflowStatus: to), to: first)
        #expect(second.workflowStatus == to.rawValue)
        #expect(second.owned.isEmpty)
    }

    @Test func typesAndRelatedFindingsAreReplaced() throws {
        let related = [
            FindingIdentifier(id: "a", productArn: "arn:aws:securityhub:us-east-1::product/aws/guardduty"),
            FindingIdentifier(id: "b", productArn: "arn:aws:securityhub:us-east-1::product/aws/inspector"),
        ]
        let first = try Self.applied(
            FindingUpdate(types: ["TTPs/Discovery", "Effects/Data Exposure"], relatedFindings: related),
            to: Self.stored())
        let second = try Self.applied(
            FindingUpdate(types: ["Unusual Behaviors"], relatedFindings: [related[1]]), to: first)
        #expect(second[.types] == .array([.string("Unusual Behaviors")]))
        #expect(
            String(decoding: second[json: .relatedFindings]!, as: UTF8.self)
                == #"[{"ProductArn":"arn:aws:securityhub:us-east-1::product/aws/inspector","Id":"b"}]"#)
        #expect(second.owned == [.types, .relatedFindings])
    }

    @Test func userDefinedFieldsAreMergedByKey() throws {
        let state = try Self.applied(
            FindingUpdate(userDefinedFields: [
                UserDefinedField(key: "env", value: "staging"), UserDefinedField(key: "ticket", value: "SEC-1"),
            ]), to: Self.stored())
        #expect(
            String(decoding: state[json: .userDefinedFields]!, as: UTF8.self)
                == #"{"team":"web","env":"staging","ticket":"SEC-1"}"#)
        #expect(state.owned.isEmpty)
    }

    static func fields(_ count: Int, prefix: String) -> [UserDefinedField] {
        (0..<count).map { UserDefinedField(key: "\(prefix)\($0)", value: "v") }
    }

    @Test(arguments: [(48, true), (49, false)])
    func mergedUserDefinedFieldsAreLimitedToFifty(newKeys: Int, fits: Bool) throws {
        // The stored map has 2 pairs (team, env).
        let result = try Self.stored().applying(
            FindingUpdate(userDefinedFields: Self.fields(newKeys, prefix: "k")), now: Self.now, providerBytes: 1000)
        if fits {
            #expect(Self.object(try result.get()[.userDefinedFields]).count == 50)
        } else {
            #expect(throws: ErrorCode.invalidInput) { try result.get() }
        }
    }

    @Test func overwritingKeysOfAFullMapIsFine() throws {
        let full = try Self.applied(FindingUpdate(userDefinedFields: Self.fields(48, prefix: "k")), to: Self.stored())
        let overwrite = Self.fields(48, prefix: "k").suffix(10).map { UserDefinedField(key: $0.key, value: "new") }
        let again = try Self.applied(FindingUpdate(userDefinedFields: overwrite), to: full)
        #expect(Self.object(again[.userDefinedFields]).count == 50)
    }

    @Test func storedKeysWrittenWithEscapesAreMatched() throws {
        var state = CustomerState()
        state[json: .userDefinedFields] = Array(#"{"a\/b":"old","x":"1","a\/b":"dup"}"#.utf8)
        let next = try Self.applied(
            FindingUpdate(userDefinedFields: [UserDefinedField(key: "a/b", value: "new")]), to: state)
        #expect(String(decoding: next[json: .userDefinedFields]!, as: UTF8.self) == #"{"a/b":"new","x":"1"}"#)
    }

    @Test func aStoredSeverityThatIsNotAnObjectIsReplaced() throws {
        var state = CustomerState()
        state[.severity] = .string("HIGH")
        let next = try Self.applied(FindingUpdate(severity: SeverityUpdate(label: .low)), to: state)
        #expect(String(decoding: next[json: .severity]!, as: UTF8.self) == #"{"Label":"LOW","Normalized":1}"#)
    }

    @Test func aFailedUpdateLeavesTheStateAsItWas() throws {
        let state = try Self.stored()
        let result = state.applying(
            FindingUpdate(note: NoteUpdate(text: "n", updatedBy: "u"), userDefinedFields: Self.fields(49, prefix: "n")),
            now: Self.now, providerBytes: 1000)
        #expect(throws: ErrorCode.invalidInput) { try result.get() }
        #expect(state == (try Self.stored()))
    }

    @Test func theComposedSizeIsLimitedTo240KB() throws {
        let state = try Self.stored()
        let update = FindingUpdate(note: NoteUpdate(text: String(repeating: "x", count: 512), updatedBy: "alice"))
        let grown = try Self.applied(update, to: state)
        let limit = Limits.maxFindingBytes - grown.membersByteCount
        #expect(throws: Never.self) { try state.applying(update, now: Self.now, providerBytes: limit).get() }
        #expect(throws: ErrorCode.findingSizeExceeded) {
            try state.applying(update, now: Self.now, providerBytes: limit + 1).get()
        }
    }

    @Test func membersTheUpdateDoesNotNameStayByteForByte() throws {
        let state = try Self.stored(#","Confidence":50.0"#)
        let next = try Self.applied(FindingUpdate(workflowStatus: .suppressed), to: state)
        for field in CustomerField.allCases where field != .workflow {
            #expect(next[json: field] == state[json: field])
        }
        #expect(String(decoding: next[json: .confidence]!, as: UTF8.self) == "50.0")
    }

    @Test func ownershipAccumulates() throws {
        var state = try Self.applied(FindingUpdate(confidence: 10), to: Self.stored())
        state = try Self.applied(FindingUpdate(note: NoteUpdate(text: "n", updatedBy: "u")), to: state)
        state = try Self.applied(FindingUpdate(severity: SeverityUpdate(label: .low)), to: state)
        #expect(state.owned == [.confidence, .severity])
    }

    @Test func encodingRoundTripsInTheAPIOrder() throws {
        var state = CustomerState(owned: .types)
        state[.workflow] = .object([JSONMember(key: "Status", value: .string("NEW"))])
        state[.note] = .object([JSONMember(key: "Text", value: .string("é \"q\""))])
        let decoded = try CustomerState(encoded: state.encoded, owned: .types)
        #expect(decoded == state)
        #expect(decoded.members.map(\.key) == ["Note", "Workflow"])
        #expect(throws: CoreError.self) { try CustomerState(encoded: Array(#"{"Title":"x"}"#.utf8), owned: []) }
    }
}
