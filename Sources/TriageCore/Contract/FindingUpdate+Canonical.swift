extension FindingUpdate {
    /// The update as compact JSON with members in the API's order, `UserDefinedFields` sorted by
    /// key, lists in their given order and empty parts left out: the same effect gives the same
    /// bytes. It is the request body without `FindingIdentifiers`.
    public var canonicalJSON: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        var first = true
        func member(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            JSONText.appendString(name.description, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        if let note {
            member("Note")
            JSONText.appendObject(&out, [("Text", .string(note.text)), ("UpdatedBy", .string(note.updatedBy))])
        }
        if let severity, !severity.isEmpty {
            member("Severity")
            var parts: [(String, JSONText.Scalar)] = []
            if let label = severity.label { parts.append(("Label", .string(label.rawValue))) }
            if let normalized = severity.normalized { parts.append(("Normalized", .integer(normalized))) }
            if let product = severity.product { parts.append(("Product", .number(product))) }
            JSONText.appendObject(&out, parts)
        }
        if let verificationState {
            member("VerificationState")
            JSONText.appendString(verificationState.rawValue, to: &out)
        }
        if let confidence {
            member("Confidence")
            out.append(contentsOf: String(confidence).utf8)
        }
        if let criticality {
            member("Criticality")
            out.append(contentsOf: String(criticality).utf8)
        }
        if let types {
            member("Types")
            JSONText.appendStringArray(types, to: &out)
        }
        if let userDefinedFields {
            member("UserDefinedFields")
            JSONText.appendObject(&out, userDefinedFields.map { ($0.key, .string($0.value)) })
        }
        if let workflowStatus {
            member("Workflow")
            JSONText.appendObject(&out, [("Status", .string(workflowStatus.rawValue))])
        }
        if let relatedFindings {
            member("RelatedFindings")
            out.append(UInt8(ascii: "["))
            for (index, related) in relatedFindings.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendObject(&out, [("ProductArn", .string(related.productArn)), ("Id", .string(related.id))])
            }
            out.append(UInt8(ascii: "]"))
        }
        if first { out.append(UInt8(ascii: "{")) }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
