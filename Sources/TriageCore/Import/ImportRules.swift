/// What the store keeps for one finding: the provider document and the customer state, plus the
/// values derived from them that it indexes.
package struct StoredFinding {
    /// The provider document: the imported bytes, with members the store derives spliced in.
    package var document: [UInt8]
    /// Where the top-level members of ``document`` sit (the provider's layout when nothing was
    /// spliced in), so that the store's derived columns need no second scan.
    package var layout: JSONObjectLayout
    /// ``FindingComposer/residualByteCount(of:layout:)`` of ``document``.
    package var providerBytes: Int
    /// The customer-updatable members and the owned fields.
    package var state: CustomerState
    /// `RecordState` in force.
    package var recordState: String
}

/// The import rules of `docs/contract.md`, pure: how an imported document
/// becomes a new stored finding, or changes one already stored.
package enum ImportRules {
    /// A finding imported for the first time. *Choice*: stored as given (top-level and
    /// `FindingProviderFields` alike), plus the defaults `Workflow.Status` NEW, `VerificationState`
    /// UNKNOWN and `RecordState` ACTIVE, then the automatic workflow rules.
    package static func newFinding(_ provider: ProviderFinding) throws(CoreError) -> StoredFinding {
        var state = CustomerState()
        for field in CustomerField.allCases {
            state[json: field] = provider.compactMember(field.name)
        }
        try checkCustomerMembers(state, id: provider.identifier.id)
        if state[json: .verificationState] == nil {
            state[.verificationState] = .string(VerificationState.unknown.rawValue)
        }
        if state.workflowStatus == nil { setWorkflow(.new, in: &state) }
        var edits: [(String, [UInt8])] = []
        let recordState = provider.recordState ?? "ACTIVE"
        if provider.recordState == nil { edits.append(("RecordState", CompactJSON.bytes(.string(recordState)))) }
        applyAutomaticRules(
            to: &state, provider: provider, previousRecordState: nil, previousCompliance: nil, recordState: recordState)
        return try stored(provider, edits: edits, state: state, recordState: recordState)
    }

    /// A later import of a stored finding: provider fields replaced; `Note`, `UserDefinedFields`,
    /// `VerificationState` and `Workflow` kept from `stored`; an owned field keeps its value while
    /// `FindingProviderFields.<field>` takes the provider's; a field not owned takes the
    /// provider's `FindingProviderFields` value if given, else its top-level value.
    /// *Choice*: a document without `RecordState` keeps the stored one.
    package static func reimport(
        _ provider: ProviderFinding, over stored: CustomerState, recordState previousRecordState: String,
        complianceStatus previousCompliance: String?
    ) throws(CoreError) -> StoredFinding {
        var state = stored
        let providerFields = provider.member("FindingProviderFields")
        var providerFieldMembers: [JSONMember]
        if case .object(let members)? = providerFields {
            providerFieldMembers = members
        } else {
            providerFieldMembers = []
        }
        var providerFieldsChanged = false
        for field in OwnedFields.providerMirrored {
            let given = providerFieldMembers.first { $0.key == field.name }?.value
            let value = given ?? provider.member(field.name)
            if let value, given == nil {
                providerFieldMembers.append(JSONMember(key: field.name, value: value))
                providerFieldsChanged = true
            }
            if let owner = field.ownership, !state.owned.contains(owner) { state[field] = value }
        }
        var edits: [(String, [UInt8])] = []
        if providerFieldsChanged {
            edits.append(("FindingProviderFields", CompactJSON.bytes(.object(providerFieldMembers))))
        }
        let recordState = provider.recordState ?? previousRecordState
        if provider.recordState == nil { edits.append(("RecordState", CompactJSON.bytes(.string(recordState)))) }
        applyAutomaticRules(
            to: &state, provider: provider, previousRecordState: previousRecordState,
            previousCompliance: previousCompliance, recordState: recordState)
        return try self.stored(provider, edits: edits, state: state, recordState: recordState)
    }

    /// The automatic workflow rules: NOTIFIED or RESOLVED becomes NEW when `RecordState` goes
    /// ARCHIVED → ACTIVE or `Compliance.Status` goes PASSED → FAILED, WARNING or NOT_AVAILABLE;
    /// then a Security Hub control finding with `Compliance.Status` PASSED becomes RESOLVED
    /// (*Choice*: unless SUPPRESSED).
    package static func applyAutomaticRules(
        to state: inout CustomerState, provider: ProviderFinding, previousRecordState: String?,
        previousCompliance: String?, recordState: String
    ) {
        let status = state.workflowStatus
        let compliance = provider.complianceStatus
        if status == WorkflowStatus.notified.rawValue || status == WorkflowStatus.resolved.rawValue {
            let reactivated = previousRecordState == "ARCHIVED" && recordState == "ACTIVE"
            let regressed =
                previousCompliance == "PASSED" && ["FAILED", "WARNING", "NOT_AVAILABLE"].contains(compliance ?? "")
            if reactivated || regressed { setWorkflow(.new, in: &state) }
        }
        if provider.isSecurityHubControl, compliance == "PASSED",
            state.workflowStatus != WorkflowStatus.suppressed.rawValue
        {
            setWorkflow(.resolved, in: &state)
        }
    }

    private static func setWorkflow(_ status: WorkflowStatus, in state: inout CustomerState) {
        _ = FindingUpdate(workflowStatus: status).apply(to: &state, now: "")
    }

    /// Rejects provider values of `Workflow` and `VerificationState` the store could not update.
    private static func checkCustomerMembers(_ state: CustomerState, id: String) throws(CoreError) {
        if let workflow = state[.workflow] {
            guard case .object = workflow else {
                throw .findingRefused(id: id, code: .invalidInput, message: "Workflow: must be an object")
            }
            if let status = workflow[key: "Status"] {
                guard case .string(let text) = status, WorkflowStatus(rawValue: text) != nil else {
                    throw .findingRefused(
                        id: id, code: .invalidInput,
                        message: "Workflow.Status: must be one of NEW, NOTIFIED, RESOLVED, SUPPRESSED")
                }
            }
        }
        if let verification = state[.verificationState] {
            guard case .string(let text) = verification, VerificationState(rawValue: text) != nil else {
                throw .findingRefused(
                    id: id, code: .invalidInput,
                    message: "VerificationState: must be one of UNKNOWN, TRUE_POSITIVE, FALSE_POSITIVE, BENIGN_POSITIVE"
                )
            }
        }
    }

    /// The stored form: `edits` and the service-owned members (``ServiceOwnedMembers``) spliced
    /// into the document in one pass, sizes computed, the 240 KB limit checked.
    private static func stored(
        _ provider: ProviderFinding, edits: [(String, [UInt8])], state: CustomerState, recordState: String
    ) throws(CoreError) -> StoredFinding {
        var splice = splice(edits, into: provider)
        try ServiceOwnedMembers.addMembers(of: provider, to: &splice)
        let document =
            splice.isEmpty ? provider.bytes : provider.bytes.withUnsafeBytes { splice.applied(to: $0) }
        let scanned = document.withUnsafeBytes { buffer in
            Result { () throws(CoreError) -> (JSONObjectLayout, Int) in
                let layout = splice.isEmpty ? provider.layout : try JSONObjectLayout.scan(buffer)
                return (layout, FindingComposer.residualByteCount(of: buffer, layout: layout))
            }
        }
        let (layout, providerBytes) = try scanned.get()
        guard state.composedByteCount(providerBytes: providerBytes) <= Limits.maxFindingBytes else {
            throw .findingRefused(
                id: provider.identifier.id, code: .findingSizeExceeded,
                message: ErrorCode.findingSizeExceeded.defaultMessage)
        }
        return StoredFinding(
            document: document, layout: layout, providerBytes: providerBytes, state: state, recordState: recordState)
    }

    /// The edits that set each top-level `(name, compact value)`: the first member of that name
    /// gets the new value in place, a missing one is appended after the last member. All other
    /// bytes stay as imported.
    package static func splice(_ edits: [(String, [UInt8])], into provider: ProviderFinding) -> DocumentSplice {
        var splice = DocumentSplice()
        guard !edits.isEmpty else { return splice }
        provider.bytes.withUnsafeBytes { buffer in
            var appended: [UInt8] = []
            for (name, value) in edits {
                if let member = provider.layout.first(named: name, in: buffer) {
                    splice.replace(member.value, with: value)
                } else {
                    appended.append(UInt8(ascii: ","))
                    JSONText.appendString(name, to: &appended)
                    appended.append(UInt8(ascii: ":"))
                    appended.append(contentsOf: value)
                }
            }
            if provider.layout.members.isEmpty, !appended.isEmpty { appended.removeFirst() }
            splice.insert(appended, at: provider.layout.members.last?.value.upperBound ?? provider.layout.closingBrace)
        }
        return splice
    }
}
