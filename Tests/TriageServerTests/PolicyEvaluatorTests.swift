import Testing
import TriageCore
import TriageServer

/// Policies as IAM evaluates identity-based ones: explicit denies, Allow-only keys, action
/// wildcards, each condition operator with and without a set qualifier, absent keys.
@Suite struct PolicyEvaluatorTests {
    typealias Samples = ServeConfigSamples

    static let explicitDeny =
        "User is not authorized to perform: securityhub:BatchUpdateFindings with an explicit deny in an "
        + "identity-based policy"

    /// The policies of the member key of a config whose `policies` list is `list` (documents
    /// separated by commas), read as the server reads them.
    private func policies(_ list: String) throws -> [AccessPolicy] {
        let config = try ServeConfig(json: Array(Samples.document(policy: list).utf8))
        return try #require(config.credential(accessKeyId: "AKIDMEMBER")).policies
    }

    /// One policy of `statements` (JSON objects separated by commas).
    private func policy(_ statements: String) throws -> [AccessPolicy] {
        try policies(#"{"Version": "2012-10-17", "Statement": [\#(statements)]}"#)
    }

    /// A policy of one Deny of BatchUpdateFindings under `condition`.
    private func deny(_ condition: String) throws -> [AccessPolicy] {
        try policy(Samples.deny(condition: condition))
    }

    private func decide(
        _ policies: [AccessPolicy], _ update: FindingUpdate?, action: ServeOperation = .batchUpdateFindings
    ) -> PolicyDecision {
        PolicyEvaluator.evaluate(policies, action: action, update: update)
    }

    private func isDenied(_ policies: [AccessPolicy], _ update: FindingUpdate?) -> Bool {
        decide(policies, update) != .allowed
    }

    private static let suppress = FindingUpdate(workflowStatus: .suppressed)
    private static let resolve = FindingUpdate(workflowStatus: .resolved)
    private static let note = FindingUpdate(note: NoteUpdate(text: "checked by the team", updatedBy: "alice"))

    @Test func theSpecExampleBlocksSuppressedAndAllowsResolved() throws {
        let policies = try policies(Samples.denySuppressed)
        #expect(decide(policies, Self.suppress) == .denied(Self.explicitDeny))
        #expect(decide(policies, Self.resolve) == .allowed)
        #expect(decide(policies, Self.note) == .allowed)
        #expect(decide(policies, FindingUpdate(note: Self.note.note, workflowStatus: .suppressed)) != .allowed)
        #expect(decide(policies, nil, action: .getFindings) == .allowed)
        #expect(decide(policies, nil, action: .batchImportFindings) == .allowed)
    }

    @Test func withoutPoliciesEverythingIsAllowed() {
        for operation in ServeOperation.allCases {
            #expect(decide([], operation == .batchUpdateFindings ? Self.suppress : nil, action: operation) == .allowed)
        }
    }

    @Test func aKeyWithAllowStatementsMayCallOnlyWhatTheyAllow() throws {
        let policies = try policy(#"{"Effect": "Allow", "Action": "securityhub:GetFindings", "Resource": "*"}"#)
        #expect(decide(policies, nil, action: .getFindings) == .allowed)
        #expect(
            decide(policies, nil, action: .batchImportFindings)
                == .denied(
                    "User is not authorized to perform: securityhub:BatchImportFindings because no identity-based "
                        + "policy allows the securityhub:BatchImportFindings action"))
        #expect(isDenied(policies, Self.resolve))
    }

    @Test func anAllowWhoseConditionFailsAllowsNothing() throws {
        let policies = try policy(
            #"{"Effect": "Allow", "Action": "securityhub:BatchUpdateFindings", "Resource": "*", "Condition": "#
                + #"{"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": "RESOLVED"}}}"#)
        #expect(decide(policies, Self.resolve) == .allowed)
        #expect(isDenied(policies, Self.suppress))
        #expect(isDenied(policies, Self.note))
        #expect(decide(policies, nil, action: .getFindings) != .allowed)
    }

    @Test func anExplicitDenyWinsOverAnAllow() throws {
        let policies = try policies(
            #"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, \#(Samples.denySuppressed)"#)
        #expect(decide(policies, Self.suppress) == .denied(Self.explicitDeny))
        #expect(decide(policies, Self.resolve) == .allowed)
        #expect(decide(policies, nil, action: .getFindings) == .allowed)
    }

    @Test func aDenyOnlyPolicyLeavesOtherActionsAllowed() throws {
        let policies = try policy(#"{"Effect": "Deny", "Action": "securityhub:BatchImportFindings", "Resource": "*"}"#)
        #expect(decide(policies, nil, action: .batchImportFindings) != .allowed)
        #expect(decide(policies, nil, action: .getFindings) == .allowed)
        #expect(decide(policies, Self.suppress) == .allowed)
    }

    static let actionPatterns: [(String, Set<ServeOperation>)] = [
        (#""*""#, Set(ServeOperation.allCases)),
        (#""securityhub:*""#, Set(ServeOperation.allCases)),
        (#""SecurityHub:batchupdatefindings""#, [.batchUpdateFindings]),
        (#""securityhub:Batch*""#, [.batchUpdateFindings, .batchImportFindings]),
        (#""securityhub:*Findings""#, Set(ServeOperation.allCases.filter { $0.rawValue.hasSuffix("Findings") })),
        (#""securityhub:Get?indings""#, [.getFindings]),
        (#""securityhub:Get?Findings""#, []),
        (#""*:GetFindings""#, [.getFindings]),
        (#"["securityhub:GetFindings", "securityhub:BatchImportFindings"]"#, [.getFindings, .batchImportFindings]),
        (#""securityhub:DescribeHub""#, []),
        (#""s3:GetObject""#, []),
    ]

    @Test(arguments: actionPatterns)
    func actionsMatchWithWildcardsIgnoringCase(action: String, named: Set<ServeOperation>) throws {
        let denying = try policy(#"{"Effect": "Deny", "Action": \#(action), "Resource": "*"}"#)
        let allowing = try policy(#"{"Effect": "Allow", "Action": \#(action), "Resource": "*"}"#)
        let excepting = try policy(#"{"Effect": "Deny", "NotAction": \#(action), "Resource": "*"}"#)
        for operation in ServeOperation.allCases {
            let update = operation == .batchUpdateFindings ? Self.note : nil
            #expect(
                (decide(denying, update, action: operation) != .allowed) == named.contains(operation), "\(operation)")
            #expect(
                (decide(allowing, update, action: operation) == .allowed) == named.contains(operation), "\(operation)")
            #expect(
                (decide(excepting, update, action: operation) == .allowed) == named.contains(operation), "\(operation)")
        }
    }

    @Test func nullTestsWhetherTheRequestSetsAPath() throws {
        let setsStatus = try deny(#"{"Null": {"securityhub:ASFFSyntaxPath/Workflow.Status": "false"}}"#)
        #expect(isDenied(setsStatus, Self.resolve))
        #expect(!isDenied(setsStatus, Self.note))
        let lacksNote = try deny(#"{"Null": {"securityhub:ASFFSyntaxPath/Note.Text": true}}"#)
        #expect(isDenied(lacksNote, Self.resolve))
        #expect(!isDenied(lacksNote, Self.note))
        let either = try deny(#"{"Null": {"securityhub:ASFFSyntaxPath/Note.Text": ["true", "false"]}}"#)
        #expect(isDenied(either, Self.resolve) && isDenied(either, Self.note))
        let qualified = try deny(#"{"ForAllValues:Null": {"securityhub:ASFFSyntaxPath/Types": "false"}}"#)
        #expect(isDenied(qualified, FindingUpdate(types: ["TTPs"])))
        #expect(!isDenied(qualified, Self.note))
    }

    @Test func stringEqualsMatchesAnyListedValueExactly() throws {
        let policies = try deny(
            #"{"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": ["RESOLVED", "NOTIFIED"]}}"#)
        #expect(isDenied(policies, Self.resolve))
        #expect(isDenied(policies, FindingUpdate(workflowStatus: .notified)))
        #expect(!isDenied(policies, Self.suppress))
        let caseSensitive = try deny(#"{"StringEquals": {"securityhub:ASFFSyntaxPath/Note.UpdatedBy": "Alice"}}"#)
        #expect(!isDenied(caseSensitive, Self.note))
    }

    /// IAM: a negated operator holds when the key is absent.
    @Test func stringNotEqualsHoldsForOtherValuesAndForAnAbsentKey() throws {
        let policies = try deny(#"{"StringNotEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": "RESOLVED"}}"#)
        #expect(!isDenied(policies, Self.resolve))
        #expect(isDenied(policies, Self.suppress))
        #expect(isDenied(policies, Self.note))
        let types = try deny(#"{"StringNotEquals": {"securityhub:ASFFSyntaxPath/Types": "TTPs"}}"#)
        #expect(!isDenied(types, FindingUpdate(types: ["Effects", "TTPs"])))
        #expect(isDenied(types, FindingUpdate(types: ["Effects"])))
    }

    @Test func stringLikeGlobsCaseSensitively() throws {
        let policies = try deny(#"{"StringLike": {"securityhub:ASFFSyntaxPath/Note.Text": ["*by the ?eam", "x*"]}}"#)
        #expect(isDenied(policies, Self.note))
        #expect(!isDenied(policies, FindingUpdate(note: NoteUpdate(text: "checked BY the team", updatedBy: "a"))))
        #expect(!isDenied(policies, FindingUpdate(note: NoteUpdate(text: "by the team, later", updatedBy: "a"))))
        #expect(isDenied(policies, FindingUpdate(note: NoteUpdate(text: "by the Team", updatedBy: "a"))))
        #expect(isDenied(policies, FindingUpdate(note: NoteUpdate(text: "x", updatedBy: "a"))))
        #expect(!isDenied(policies, Self.resolve))
    }

    @Test func forAnyValueNeedsOneMatchingValueAndFailsOnAnAbsentKey() throws {
        let policies = try deny(
            #"{"ForAnyValue:StringEquals": {"securityhub:ASFFSyntaxPath/Types": ["TTPs", "Effects"]}}"#)
        #expect(isDenied(policies, FindingUpdate(types: ["Unusual Behaviors", "Effects"])))
        #expect(!isDenied(policies, FindingUpdate(types: ["Unusual Behaviors"])))
        #expect(!isDenied(policies, Self.note))
        let notEquals = try deny(#"{"ForAnyValue:StringNotEquals": {"securityhub:ASFFSyntaxPath/Types": "TTPs"}}"#)
        #expect(isDenied(notEquals, FindingUpdate(types: ["TTPs", "Effects"])))
        #expect(!isDenied(notEquals, FindingUpdate(types: ["TTPs"])))
        #expect(!isDenied(notEquals, Self.note))
        let like = try deny(
            #"{"ForAnyValue:StringLike": {"securityhub:ASFFSyntaxPath/RelatedFindings.Id": "*/EC2.*"}}"#)
        let related = [
            FindingIdentifier(id: "x/EC2.2", productArn: "arn:p"), FindingIdentifier(id: "y", productArn: "arn:p"),
        ]
        #expect(isDenied(like, FindingUpdate(relatedFindings: related)))
        #expect(!isDenied(like, FindingUpdate(relatedFindings: [related[1]])))
    }

    @Test func forAllValuesNeedsEveryValueToMatchAndHoldsOnAnAbsentKey() throws {
        let policies = try policy(
            #"{"Effect": "Allow", "Action": "securityhub:BatchUpdateFindings", "Resource": "*", "Condition": "#
                + #"{"ForAllValues:StringLike": {"securityhub:ASFFSyntaxPath/Types": "Software and Configuration Checks/*"}}}"#
        )
        #expect(
            decide(policies, FindingUpdate(types: ["Software and Configuration Checks/Vulnerabilities/CVE"]))
                == .allowed)
        #expect(isDenied(policies, FindingUpdate(types: ["Software and Configuration Checks/Industry", "TTPs"])))
        #expect(decide(policies, Self.note) == .allowed)
        let notEquals = try deny(#"{"ForAllValues:StringNotEquals": {"securityhub:ASFFSyntaxPath/Types": "TTPs"}}"#)
        #expect(isDenied(notEquals, FindingUpdate(types: ["Effects"])))
        #expect(!isDenied(notEquals, FindingUpdate(types: ["Effects", "TTPs"])))
        #expect(isDenied(notEquals, Self.note))
        let equals = try deny(
            #"{"ForAllValues:StringEquals": {"securityhub:ASFFSyntaxPath/Types": ["TTPs", "Effects"]}}"#)
        #expect(isDenied(equals, FindingUpdate(types: ["Effects", "TTPs"])))
        #expect(!isDenied(equals, FindingUpdate(types: ["Effects", "Unusual Behaviors"])))
    }

    /// With no update (GetFindings, BatchImportFindings) or one that does not set the path, the
    /// key is absent; every operator treats that as documented in `ConditionOperator`.
    static let absentKey: [(String, Bool)] = [
        ("StringEquals", false), ("StringNotEquals", true), ("StringLike", false),
        ("ForAnyValue:StringEquals", false), ("ForAnyValue:StringNotEquals", false), ("ForAnyValue:StringLike", false),
        ("ForAllValues:StringEquals", true), ("ForAllValues:StringNotEquals", true), ("ForAllValues:StringLike", true),
    ]

    @Test(arguments: absentKey)
    func anAbsentKeyIsTreatedAsIAMDoes(conditionOperator: String, holds: Bool) throws {
        let denyingEverything = try policy(
            #"{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": "#
                + #"{"\#(conditionOperator)": {"securityhub:ASFFSyntaxPath/Workflow.Status": "NEW"}}}"#)
        #expect(isDenied(denyingEverything, Self.note) == holds)
        #expect((decide(denyingEverything, nil, action: .getFindings) != .allowed) == holds)
        #expect((decide(denyingEverything, nil, action: .batchImportFindings) != .allowed) == holds)
    }

    @Test func keysOfOneOperatorAndOperatorsAreAllRequired() throws {
        let policies = try deny(
            #"{"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": "SUPPRESSED", "#
                + #""securityhub:ASFFSyntaxPath/Note.UpdatedBy": "alice"}, "#
                + #""Null": {"securityhub:ASFFSyntaxPath/Confidence": "false"}}"#)
        let note = Self.note.note
        #expect(isDenied(policies, FindingUpdate(note: note, confidence: 10, workflowStatus: .suppressed)))
        #expect(!isDenied(policies, FindingUpdate(note: note, workflowStatus: .suppressed)))
        #expect(!isDenied(policies, FindingUpdate(confidence: 10, workflowStatus: .suppressed)))
        #expect(!isDenied(policies, FindingUpdate(note: note, confidence: 10, workflowStatus: .resolved)))
    }

    @Test func everyPathHasTheValueTheRequestSets() throws {
        let update = FindingUpdate(
            note: NoteUpdate(text: "t", updatedBy: "u"),
            severity: SeverityUpdate(label: .high, normalized: 70, product: 4.5),
            verificationState: .truePositive, confidence: 50, criticality: 0, types: ["TTPs", "Effects"],
            userDefinedFields: [
                UserDefinedField(key: "ticket", value: "SEC-1"), UserDefinedField(key: "a", value: "b"),
            ],
            workflowStatus: .notified,
            relatedFindings: [
                FindingIdentifier(id: "r1", productArn: "arn:p1"), FindingIdentifier(id: "r2", productArn: "arn:p2"),
            ])
        let expected: [ConditionKey: [String]] = [
            .workflowStatus: ["NOTIFIED"], .severityLabel: ["HIGH"], .severityNormalized: ["70"],
            .severityProduct: ["4.5"],
            .noteText: ["t"], .noteUpdatedBy: ["u"], .verificationState: ["TRUE_POSITIVE"], .confidence: ["50"],
            .criticality: ["0"], .types: ["TTPs", "Effects"], .userDefinedFields: ["a", "ticket"],
            .relatedFindingsId: ["r1", "r2"], .relatedFindingsProductArn: ["arn:p1", "arn:p2"],
        ]
        #expect(Set(expected.keys) == Set(ConditionKey.allCases))
        for key in ConditionKey.allCases {
            #expect(key.values(in: update) == expected[key], "\(key)")
            #expect(key.values(in: nil) == [], "\(key)")
            #expect(key.values(in: FindingUpdate(criticality: 1)) == (key == .criticality ? ["1"] : []), "\(key)")
        }
        // Only what the request sets: a label derived from Normalized is not set by the request.
        #expect(ConditionKey.severityLabel.values(in: FindingUpdate(severity: SeverityUpdate(normalized: 40))) == [])
        #expect(ConditionKey.severityProduct.values(in: FindingUpdate(severity: SeverityUpdate(product: 40))) == ["40"])
    }

    @Test func conditionKeysAreCaseInsensitiveAndNumbersCompareAsText() throws {
        let policies = try deny(#"{"StringEquals": {"SECURITYHUB:asffsyntaxpath/confidence": [100, "0"]}}"#)
        #expect(isDenied(policies, FindingUpdate(confidence: 100)))
        #expect(isDenied(policies, FindingUpdate(confidence: 0)))
        #expect(!isDenied(policies, FindingUpdate(confidence: 50)))
        let fields = try deny(
            #"{"ForAnyValue:StringEquals": {"securityhub:ASFFSyntaxPath/UserDefinedFields": "owner"}}"#)
        #expect(isDenied(fields, FindingUpdate(userDefinedFields: [UserDefinedField(key: "owner", value: "x")])))
        #expect(!isDenied(fields, FindingUpdate(userDefinedFields: [UserDefinedField(key: "x", value: "owner")])))
    }

    @Test func statementsOfSeveralPoliciesCombine() throws {
        let policies = try policies(
            #"{"Statement": [{"Effect": "Allow", "Action": "securityhub:GetFindings", "Resource": "*"}]}, "#
                + #"{"Statement": [{"Effect": "Allow", "Action": "securityhub:BatchUpdateFindings", "Resource": "*"}]}, "#
                + Samples.denySuppressed)
        #expect(decide(policies, nil, action: .getFindings) == .allowed)
        #expect(decide(policies, Self.resolve) == .allowed)
        #expect(decide(policies, Self.suppress) == .denied(Self.explicitDeny))
        #expect(decide(policies, nil, action: .batchImportFindings) != .allowed)
    }
}
