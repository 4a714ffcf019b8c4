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

    /// Applies the update's members to `state` as `docs/contract.md` says (apply semantics),
    /// stamping `Note.UpdatedAt` with `now`. Returns `.invalidInput` (and leaves `state` partly
    /// changed) when the merged `UserDefinedFields` would exceed 50 pairs; the size check is the
    /// caller's (``CustomerState/applying(_:now:providerBytes:)``).
    ///
    /// Works on the JSON bytes: members of stored objects that the update does not name are
    /// copied as they are.
    package func apply(to state: inout CustomerState, now: String) -> ErrorCode? {
        if let note {
            state.write(.note) { out in
                out.append(contentsOf: #"{"Text":"#.utf8)
                JSONText.appendString(note.text, to: &out)
                out.append(contentsOf: #","UpdatedBy":"#.utf8)
                JSONText.appendString(note.updatedBy, to: &out)
                out.append(contentsOf: #","UpdatedAt":"#.utf8)
                JSONText.appendString(now, to: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        if let severity, !severity.isEmpty {
            let settings = Self.settings(severity)
            let stored = state[json: .severity]
            state.write(.severity) { out in _ = Self.merge(stored, settings, into: &out) }
        }
        if let verificationState {
            state.write(.verificationState) { JSONText.appendString(verificationState.rawValue, to: &$0) }
        }
        if let confidence { state.write(.confidence) { $0.append(contentsOf: String(confidence).utf8) } }
        if let criticality { state.write(.criticality) { $0.append(contentsOf: String(criticality).utf8) } }
        if let types {
            state.write(.types) { JSONText.appendStringArray(types, to: &$0) }
        }
        if let userDefinedFields {
            let settings = userDefinedFields.map { MemberSetting(name: $0.key, value: .string($0.value)) }
            var merged: [UInt8] = []
            let count = Self.merge(state[json: .userDefinedFields], settings, into: &merged)
            guard count <= Limits.maxUserDefinedFields else { return .invalidInput }
            state[json: .userDefinedFields] = merged
        }
        if let workflowStatus {
            let stored = state[json: .workflow]
            let settings = [MemberSetting(name: "Status", value: .string(workflowStatus.rawValue))]
            state.write(.workflow) { out in _ = Self.merge(stored, settings, into: &out) }
        }
        if let relatedFindings {
            state.write(.relatedFindings) { out in
                out.append(UInt8(ascii: "["))
                for (index, related) in relatedFindings.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    JSONText.appendObject(
                        &out, [("ProductArn", .string(related.productArn)), ("Id", .string(related.id))])
                }
                out.append(UInt8(ascii: "]"))
            }
        }
        state.owned.formUnion(ownedFields)
        return nil
    }

    /// The `Severity` members to set: `Normalized` alone derives `Label`, `Label` alone derives
    /// `Normalized` (*Choice*), both are stored as given, `Product` as given. `Original` and any
    /// other stored member are kept in place.
    static func settings(_ severity: SeverityUpdate) -> [MemberSetting] {
        var label = severity.label
        var normalized = severity.normalized
        switch (label, normalized) {
        case (nil, let value?): label = SeverityLabel(normalized: value)
        case (let value?, nil): normalized = value.derivedNormalized
        default: break
        }
        var settings: [MemberSetting] = []
        if let label { settings.append(MemberSetting(name: "Label", value: .string(label.rawValue))) }
        if let normalized { settings.append(MemberSetting(name: "Normalized", value: .integer(normalized))) }
        if let product = severity.product { settings.append(MemberSetting(name: "Product", value: .number(product))) }
        return settings
    }

    /// A member an update sets in a stored object.
    struct MemberSetting {
        /// The key.
        var name: String
        /// `"name"`, escaped.
        var quotedName: [UInt8]
        /// The value as JSON.
        var value: [UInt8]

        init(name: String, value: JSONText.Scalar) {
            self.name = name
            quotedName = []
            JSONText.appendString(name, to: &quotedName)
            self.value = []
            JSONText.appendScalar(value, to: &self.value)
        }

        /// Whether the stored member's key is this one (escapes decoded when there are any).
        func matches(_ member: JSONObjectLayout.Member, in bytes: UnsafeRawBufferPointer) -> Bool {
            let raw = UnsafeRawBufferPointer(rebasing: bytes[member.key])
            if raw.contains(UInt8(ascii: "\\")) { return JSONObjectLayout.key(of: member, in: bytes) == name }
            return raw.count == quotedName.count - 2 && raw.elementsEqual(quotedName[1..<(quotedName.count - 1)])
        }
    }

    /// Writes the stored object (`nil` or not an object: an empty one) with `settings` applied:
    /// the first member of each set key gets the new value in place (later duplicates are
    /// dropped), other members are copied as they are, keys not yet present are appended in the
    /// settings' order (*Choice* for `UserDefinedFields`: merged by key). Returns the number of
    /// members written. At most 64 settings.
    static func merge(_ stored: [UInt8]?, _ settings: [MemberSetting], into out: inout [UInt8]) -> Int {
        precondition(settings.count <= 64, "at most 64 members per merge")
        var written: UInt64 = 0
        var count = 0
        out.append(UInt8(ascii: "{"))
        func separate() { if count > 0 { out.append(UInt8(ascii: ",")) } }
        if let stored {
            stored.withUnsafeBytes { bytes in
                guard let layout = try? JSONObjectLayout.scan(bytes) else { return }
                for member in layout.members {
                    if let index = settings.firstIndex(where: { $0.matches(member, in: bytes) }) {
                        guard written & (1 << index) == 0 else { continue }
                        written |= 1 << index
                        separate()
                        out.append(contentsOf: settings[index].quotedName)
                        out.append(UInt8(ascii: ":"))
                        out.append(contentsOf: settings[index].value)
                    } else {
                        separate()
                        out.append(contentsOf: bytes[(member.key.lowerBound - 1)..<(member.key.upperBound + 1)])
                        out.append(UInt8(ascii: ":"))
                        CompactJSON.appendMinified(UnsafeRawBufferPointer(rebasing: bytes[member.value]), to: &out)
                    }
                    count += 1
                }
            }
        }
        for (index, setting) in settings.enumerated() where written & (1 << index) == 0 {
            separate()
            out.append(contentsOf: setting.quotedName)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: setting.value)
            count += 1
        }
        out.append(UInt8(ascii: "}"))
        return count
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
