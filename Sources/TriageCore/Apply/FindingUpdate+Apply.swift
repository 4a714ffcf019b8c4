extension FindingUpdate {
    /// The fields this update makes customer-owned: `Severity`, `Types`, `Confidence`,
    /// `Criticality` and `RelatedFindings` when set (§3).
    package var ownedFields: OwnedFields {
        var owned: OwnedFields = []
        if let severity, !severity.isEmpty { owned.insert(.severity) }
        if types != nil { owned.insert(.types) }
        if confidence != nil { owned.insert(.confidence) }
        if criticality != nil { owned.insert(.criticality) }
        if relatedFindings != nil { owned.insert(.relatedFindings) }
        return owned
    }

    /// Applies the update's members to `state` as `shared/spec/batchupdatefindings.md` §3 says,
    /// stamping `Note.UpdatedAt` with `now`. Returns `.invalidInput` (and leaves `state` partly
    /// changed) when the merged `UserDefinedFields` would exceed 50 pairs; the size check is the
    /// caller's (``CustomerState/applying(_:now:providerBytes:)``).
    package func apply(to state: inout CustomerState, now: String) -> ErrorCode? {
        if let note {
            var json: [UInt8] = []
            JSONText.appendObject(
                &json, [("Text", .string(note.text)), ("UpdatedBy", .string(note.updatedBy)), ("UpdatedAt", .string(now))])
            state[json: .note] = json
        }
        if let severity, !severity.isEmpty {
            state[.severity] = .object(Self.merged(severity: severity, into: state[.severity]))
        }
        if let verificationState { state[json: .verificationState] = Self.quoted(verificationState.rawValue) }
        if let confidence { state[json: .confidence] = Array(String(confidence).utf8) }
        if let criticality { state[json: .criticality] = Array(String(criticality).utf8) }
        if let types { state[.types] = .array(types.map { .string($0) }) }
        if let userDefinedFields {
            let merged = Self.merged(userDefinedFields, into: state[.userDefinedFields])
            guard merged.count <= Limits.maxUserDefinedFields else { return .invalidInput }
            state[.userDefinedFields] = .object(merged)
        }
        if let workflowStatus {
            var members = Self.objectMembers(state[.workflow])
            Self.set("Status", to: .string(workflowStatus.rawValue), in: &members)
            state[.workflow] = .object(members)
        }
        if let relatedFindings {
            state[.relatedFindings] = .array(
                relatedFindings.map { .object([JSONMember(key: "ProductArn", value: .string($0.productArn)),
                                               JSONMember(key: "Id", value: .string($0.id))]) })
        }
        state.owned.formUnion(ownedFields)
        return nil
    }

    /// The stored `Severity` object with the update's parts set: `Normalized` alone derives
    /// `Label`, `Label` alone derives `Normalized` (*Choice*), both are stored as given, `Product`
    /// as given; `Original` and any other member are kept in place.
    static func merged(severity: SeverityUpdate, into stored: JSONValue?) -> [JSONMember] {
        var members = objectMembers(stored)
        var label = severity.label
        var normalized = severity.normalized
        switch (label, normalized) {
        case (nil, let value?): label = SeverityLabel(normalized: value)
        case (let value?, nil): normalized = value.derivedNormalized
        default: break
        }
        if let label { set("Label", to: .string(label.rawValue), in: &members) }
        if let normalized { set("Normalized", to: number(String(normalized)), in: &members) }
        if let product = severity.product { set("Product", to: number(JSONText.formatNumber(product)), in: &members) }
        return members
    }

    /// The stored `UserDefinedFields` with the update's pairs merged by key (*Choice*): existing
    /// keys overwritten in place, new keys appended in the update's (sorted) order, others kept.
    static func merged(_ fields: [UserDefinedField], into stored: JSONValue?) -> [JSONMember] {
        var members = objectMembers(stored)
        for field in fields { set(field.key, to: .string(field.value), in: &members) }
        return members
    }

    private static func objectMembers(_ value: JSONValue?) -> [JSONMember] {
        if case .object(let members)? = value { return members }
        return []
    }

    /// Sets the first member named `key` (later duplicates are dropped), or appends it.
    private static func set(_ key: String, to value: JSONValue, in members: inout [JSONMember]) {
        guard let index = members.firstIndex(where: { $0.key == key }) else {
            members.append(JSONMember(key: key, value: value))
            return
        }
        members[index].value = value
        var later = index + 1
        while later < members.count {
            if members[later].key == key { members.remove(at: later) } else { later += 1 }
        }
    }

    private static func number(_ literal: String) -> JSONValue {
        guard let number = JSONNumber(literal: literal) else { preconditionFailure("not a JSON number") }
        return .number(number)
    }

    private static func quoted(_ string: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONText.appendString(string, to: &out)
        return out
    }
}

extension SeverityLabel {
    /// The label Security Hub derives from `Severity.Normalized` (§3): 0 INFORMATIONAL,
    /// 1–39 LOW, 40–69 MEDIUM, 70–89 HIGH, 90–100 CRITICAL. Values outside 0...100 clamp.
    package init(normalized: Int) {
        switch normalized {
        case ...0: self = .informational
        case 1...39: self = .low
        case 40...69: self = .medium
        case 70...89: self = .high
        default: self = .critical
        }
    }

    /// The `Normalized` value derived from a label given alone (*Choice*, §3): INFORMATIONAL 0,
    /// LOW 1, MEDIUM 40, HIGH 70, CRITICAL 90.
    package var derivedNormalized: Int {
        switch self {
        case .informational: 0
        case .low: 1
        case .medium: 40
        case .high: 70
        case .critical: 90
        }
    }
}
