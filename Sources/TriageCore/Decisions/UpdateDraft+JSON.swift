extension UpdateDraft {
    /// Decodes one NDJSON decision record (a JSON object) into a draft. Type problems and unknown
    /// members become issues of the draft, named by their dotted path; nothing is thrown.
    ///
    /// *Choice*: a member whose value is `null` counts as not given, as an empty CSV cell does.
    package init(decisionObject members: [JSONMember]) {
        self.init()
        var seen: UInt32 = 0  // bit per known member name (Self.memberBit), to find duplicates without hashing
        var identifier = RawIdentifier(id: nil, productArn: nil)
        var hasIdentifierMember = false
        for member in members {
            if let bit = Self.memberBit(member.key) {
                if seen & bit != 0 {
                    reject(member.key, "is given twice")
                    continue
                }
                seen |= bit
            }
            if case .null = member.value { continue }
            switch member.key {
            case "Id":
                hasIdentifierMember = true
                identifier.id = string(member.value, "Id")
            case "ProductArn":
                hasIdentifierMember = true
                identifier.productArn = string(member.value, "ProductArn")
            case "AwsAccountId":
                awsAccountId = string(member.value, "AwsAccountId")
            case "FindingIdentifiers":
                isWholeRequest = true
                if let list = array(member.value, "FindingIdentifiers") {
                    identifiers = list.enumerated().map { index, element in
                        rawIdentifier(element, "FindingIdentifiers[\(index)]")
                            ?? RawIdentifier(id: nil, productArn: nil)
                    }
                }
            default:
                decodeUpdateMember(member)
            }
        }
        if isWholeRequest {
            if hasIdentifierMember {
                reject("FindingIdentifiers", "cannot be combined with Id or ProductArn in one record")
            }
        } else {
            identifiers = [identifier]
        }
        if let awsAccountId {
            for index in identifiers.indices { identifiers[index].account = awsAccountId }
        }
    }

    private mutating func decodeUpdateMember(_ member: JSONMember) {
        let value = member.value
        switch member.key {
        case "Note":
            hasNote = true
            guard let object = object(value, "Note") else { return }
            for (key, field) in members(object, "Note", allowed: ["Text", "UpdatedBy"]) {
                if key == "Text" {
                    noteText = string(field, "Note.Text")
                } else {
                    noteUpdatedBy = string(field, "Note.UpdatedBy")
                }
            }
        case "Severity":
            guard let object = object(value, "Severity") else { return }
            for (key, field) in members(object, "Severity", allowed: ["Label", "Normalized", "Product"]) {
                switch key {
                case "Label": severityLabel = string(field, "Severity.Label")
                case "Normalized": severityNormalized = integer(field, "Severity.Normalized")
                default: severityProduct = number(field, "Severity.Product")
                }
            }
        case "VerificationState":
            verificationState = string(value, "VerificationState")
        case "Confidence":
            confidence = integer(value, "Confidence")
        case "Criticality":
            criticality = integer(value, "Criticality")
        case "Types":
            if let list = array(value, "Types") {
                types = list.enumerated().compactMap { index, element in string(element, "Types[\(index)]") }
                if types!.count != list.count { types = nil }
            }
        case "UserDefinedFields":
            guard let object = object(value, "UserDefinedFields") else { return }
            var fields: [UserDefinedField] = []
            for member in object {
                if let text = string(member.value, "UserDefinedFields.\(member.key)") {
                    fields.append(UserDefinedField(key: member.key, value: text))
                }
            }
            if fields.count == object.count { userDefinedFields = fields }
        case "Workflow":
            guard let object = object(value, "Workflow") else { return }
            for (_, field) in members(object, "Workflow", allowed: ["Status"]) {
                workflowStatus = string(field, "Workflow.Status")
            }
        case "RelatedFindings":
            if let list = array(value, "RelatedFindings") {
                let related = list.enumerated().compactMap { index, element in
                    rawIdentifier(element, "RelatedFindings[\(index)]")
                }
                if related.count == list.count { relatedFindings = related }
            }
        default:
            reject(member.key, DecisionMembers.unknownMemberProblem(member.key))
        }
    }

    /// A bit for each top-level member name a record may have; nil for others.
    private static func memberBit(_ key: String) -> UInt32? {
        switch key {
        case "Id": 1 << 0
        case "ProductArn": 1 << 1
        case "FindingIdentifiers": 1 << 2
        case "Note": 1 << 3
        case "Severity": 1 << 4
        case "VerificationState": 1 << 5
        case "Confidence": 1 << 6
        case "Criticality": 1 << 7
        case "Types": 1 << 8
        case "UserDefinedFields": 1 << 9
        case "Workflow": 1 << 10
        case "RelatedFindings": 1 << 11
        case "AwsAccountId": 1 << 12
        default: nil
        }
    }

    // MARK: typed access with issues

    private mutating func string(_ value: JSONValue, _ field: String) -> String? {
        if case .string(let text) = value { return text }
        reject(field, "must be a string, not \(value.typeName)")
        return nil
    }

    private mutating func integer(_ value: JSONValue, _ field: String) -> Int? {
        guard case .number(let number) = value else {
            reject(field, "must be an integer, not \(value.typeName)")
            return nil
        }
        guard number.isIntegerLiteral else {
            reject(field, "\(number.literal) is not an integer")
            return nil
        }
        guard let integer = number.intValue else {
            reject(field, "\(number.literal) is out of range 0 to 100")
            return nil
        }
        return integer
    }

    private mutating func number(_ value: JSONValue, _ field: String) -> Double? {
        guard case .number(let number) = value else {
            reject(field, "must be a number, not \(value.typeName)")
            return nil
        }
        let double = number.doubleValue
        guard double.isFinite else {
            reject(field, "\(number.literal) is not a finite number")
            return nil
        }
        return double
    }

    private mutating func array(_ value: JSONValue, _ field: String) -> [JSONValue]? {
        if case .array(let elements) = value { return elements }
        reject(field, "must be an array, not \(value.typeName)")
        return nil
    }

    private mutating func object(_ value: JSONValue, _ field: String) -> [JSONMember]? {
        if case .object(let members) = value { return members }
        reject(field, "must be an object, not \(value.typeName)")
        return nil
    }

    /// The members of a nested object that are allowed and not null; others become issues.
    private mutating func members(
        _ object: [JSONMember], _ path: String, allowed: Set<String>
    ) -> [(String, JSONValue)] {
        var result: [(String, JSONValue)] = []
        var seen: [String] = []
        for member in object {
            let field = "\(path).\(member.key)"
            if !allowed.contains(member.key) {
                let problem = DecisionMembers.unknownNestedMemberProblem(
                    member.key, path: path, allowed: allowed.sorted())
                reject(field, problem)
            } else if seen.contains(member.key) {
                reject(field, "is given twice")
            } else if case .null = member.value {
                continue
            } else {
                seen.append(member.key)
                result.append((member.key, member.value))
            }
        }
        return result
    }

    private mutating func rawIdentifier(_ value: JSONValue, _ path: String) -> RawIdentifier? {
        guard let object = object(value, path) else { return nil }
        var raw = RawIdentifier(id: nil, productArn: nil)
        for (key, field) in members(object, path, allowed: ["Id", "ProductArn"]) {
            if key == "Id" {
                raw.id = string(field, "\(path).Id")
            } else {
                raw.productArn = string(field, "\(path).ProductArn")
            }
        }
        return raw
    }
}
