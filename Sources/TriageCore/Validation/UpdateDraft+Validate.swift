/// The verdict on one record: a valid decision, or the problems that make it `InvalidInput`.
public enum CheckedDecision: Sendable {
    /// The record satisfies the contract; `account` is its `AwsAccountId` routing member (12
    /// digits), nil when it had none (``FindingAccount/of(_:member:)`` then reads the `Id`).
    case valid(FindingIdentifier, CanonicalUpdate, account: String?)
    /// The record breaks the contract; `identifier` is what it named (for the report), if anything.
    case invalid(RawIdentifier?, [ValidationIssue])
}

/// The verdict on the update members of a record, shared by every record with the same members.
public enum UpdateVerdict: Sendable {
    /// A valid update.
    case valid(CanonicalUpdate)
    /// The problems, in the order found.
    case invalid([ValidationIssue])
}

extension CheckedDecision {
    /// The verdict on one record from its identifier and its (separately checked) update: the
    /// issues of the request, of the identifier and of the update, in that order.
    public static func combining(
        _ raw: RawIdentifier, fieldPrefix: String = "", requestIssues: [ValidationIssue] = [],
        update: UpdateVerdict
    ) -> CheckedDecision {
        var issues = requestIssues
        let identifier = UpdateDraft.checkIdentifier(
            raw, fieldPrefix: fieldPrefix, maxIdLength: Limits.maxIdLength, issues: &issues)
        if let account = raw.account, !FindingAccount.isAccountId(account) {
            issues.append(
                ValidationIssue(
                    field: "AwsAccountId", problem: "must be an AWS account id of 12 digits, not \"\(account)\""))
        }
        switch update {
        case .valid(let update):
            if let identifier, issues.isEmpty { return .valid(identifier, update, account: raw.account) }
        case .invalid(let updateIssues):
            issues += updateIssues
        }
        return .invalid(raw, issues)
    }
}

extension UpdateDraft {
    /// Checks the draft against `batchupdatefindings.md` §1 and returns one verdict per record:
    /// one per identifier (a whole-request line yields several), or a single invalid verdict with
    /// no identifier when a whole request names none.
    ///
    /// - Parameter defaultNoteAuthor: `Note.UpdatedBy` for a note given without one
    ///   (`--updated-by`); without it such a note is invalid.
    public func validate(defaultNoteAuthor: String? = nil) -> [CheckedDecision] {
        let update = checkUpdate(defaultNoteAuthor: defaultNoteAuthor)
        var requestIssues: [ValidationIssue] = []
        if isWholeRequest, !Limits.identifiersPerRequest.contains(identifiers.count) {
            requestIssues.append(
                ValidationIssue(
                    field: "FindingIdentifiers",
                    problem: "has \(identifiers.count) entries; a request takes 1 to 100"))
        }
        if identifiers.isEmpty {
            var issues = requestIssues
            if case .invalid(let updateIssues) = update { issues += updateIssues }
            return [.invalid(nil, issues)]
        }
        return identifiers.enumerated().map { index, raw in
            CheckedDecision.combining(
                raw, fieldPrefix: isWholeRequest ? "FindingIdentifiers[\(index)]." : "", requestIssues: requestIssues,
                update: update)
        }
    }

    /// Checks the update members alone (decoding issues first, then the rules), so that a reader
    /// can check an update shared by many records once.
    public func checkUpdate(defaultNoteAuthor: String? = nil) -> UpdateVerdict {
        var updateIssues = issues
        if let update = checkedUpdate(defaultNoteAuthor: defaultNoteAuthor, issues: &updateIssues),
            updateIssues.isEmpty
        {
            return .valid(CanonicalUpdate(update))
        }
        return .invalid(updateIssues)
    }

    static func checkIdentifier(
        _ raw: RawIdentifier, fieldPrefix: String, maxIdLength: Int?, issues: inout [ValidationIssue]
    ) -> FindingIdentifier? {
        // The common case first, without building field names.
        if let id = raw.id, let productArn = raw.productArn, TextRules.isNonBlank(id), TextRules.isNonBlank(productArn),
            maxIdLength.map({ TextRules.length(of: id, isIn: 1...$0) }) ?? true
        {
            return FindingIdentifier(id: id, productArn: productArn)
        }
        for (name, value) in [("Id", raw.id), ("ProductArn", raw.productArn)] {
            let field = fieldPrefix + name
            guard let value else {
                issues.append(ValidationIssue(field: field, problem: "is required"))
                continue
            }
            if !TextRules.isNonBlank(value) {
                issues.append(ValidationIssue(field: field, problem: "must contain a non-whitespace character"))
            } else if name == "Id", let maxIdLength, !TextRules.length(of: value, isIn: 1...maxIdLength) {
                issues.append(
                    ValidationIssue(
                        field: field,
                        problem: "is \(TextRules.length(value)) characters long; at most \(maxIdLength) allowed"))
            }
        }
        return nil
    }

    private func checkedUpdate(defaultNoteAuthor: String?, issues: inout [ValidationIssue]) -> FindingUpdate? {
        let before = issues.count
        var update = FindingUpdate()

        if hasNote {
            let text = checkedText(noteText, field: "Note.Text", range: Limits.noteLength, issues: &issues)
            let author = checkedText(
                noteUpdatedBy ?? defaultNoteAuthor, field: "Note.UpdatedBy", range: Limits.noteLength,
                issues: &issues, missingHint: " (or give --updated-by)")
            if let text, let author { update.note = NoteUpdate(text: text, updatedBy: author) }
        }

        var severity = SeverityUpdate()
        if let label = severityLabel {
            severity.label = checkedEnum(label, SeverityLabel.self, field: "Severity.Label", issues: &issues)
        }
        if let normalized = severityNormalized {
            severity.normalized = checkedPercent(normalized, field: "Severity.Normalized", issues: &issues)
        }
        if let product = severityProduct {
            if product.isFinite {
                severity.product = product
            } else {
                issues.append(ValidationIssue(field: "Severity.Product", problem: "must be a finite number"))
            }
        }
        if !severity.isEmpty { update.severity = severity }

        if let state = verificationState {
            update.verificationState = checkedEnum(
                state, VerificationState.self, field: "VerificationState", issues: &issues)
        }
        if let confidence { update.confidence = checkedPercent(confidence, field: "Confidence", issues: &issues) }
        if let criticality { update.criticality = checkedPercent(criticality, field: "Criticality", issues: &issues) }
        if let types { update.types = checkedTypes(types, issues: &issues) }
        if let userDefinedFields {
            update.userDefinedFields = checkedUserDefinedFields(userDefinedFields, issues: &issues)
        }
        if let status = workflowStatus {
            update.workflowStatus = checkedEnum(status, WorkflowStatus.self, field: "Workflow.Status", issues: &issues)
        }
        if let relatedFindings { update.relatedFindings = checkedRelatedFindings(relatedFindings, issues: &issues) }

        // A member the reader could not decode also leaves the update empty: say only what was wrong.
        guard issues.count == before, self.issues.isEmpty else { return nil }
        // Choice (batchupdatefindings.md §1): a request with identifiers only is rejected.
        if update.isEmpty {
            issues.append(
                ValidationIssue(
                    field: "",
                    problem: "no update member: set at least one of \(Limits.updateMembers.joined(separator: ", "))"))
            return nil
        }
        return update
    }

    private func checkedText(
        _ value: String?, field: String, range: ClosedRange<Int>, issues: inout [ValidationIssue],
        missingHint: String = ""
    ) -> String? {
        guard let value else {
            issues.append(ValidationIssue(field: field, problem: "is required when Note is present" + missingHint))
            return nil
        }
        if !TextRules.length(of: value, isIn: range) {
            issues.append(
                ValidationIssue(
                    field: field,
                    problem:
                        "is \(TextRules.length(value)) characters long; \(range.lowerBound) to \(range.upperBound) allowed"
                ))
            return nil
        }
        if !TextRules.isNonBlank(value) {
            issues.append(ValidationIssue(field: field, problem: "must contain a non-whitespace character"))
            return nil
        }
        return value
    }

    private func checkedEnum<E: RawRepresentable & CaseIterable>(
        _ raw: String, _ type: E.Type, field: String, issues: inout [ValidationIssue]
    ) -> E? where E.RawValue == String {
        if let value = E(rawValue: raw) { return value }
        let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
        issues.append(ValidationIssue(field: field, problem: "\(TextRules.quote(raw)) is not one of \(allowed)"))
        return nil
    }

    private func checkedPercent(_ value: Int, field: String, issues: inout [ValidationIssue]) -> Int? {
        if Limits.percent.contains(value) { return value }
        issues.append(ValidationIssue(field: field, problem: "\(value) is out of range 0 to 100"))
        return nil
    }

    private func checkedTypes(_ types: [String], issues: inout [ValidationIssue]) -> [String]? {
        let before = issues.count
        if !Limits.typesCount.contains(types.count) {
            issues.append(ValidationIssue(field: "Types", problem: "has \(types.count) entries; 1 to 50 allowed"))
        }
        for (index, type) in types.enumerated() {
            let parts = type.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            let namespace = String(parts[0])
            if !Limits.typeNamespaces.contains(namespace) {
                issues.append(
                    ValidationIssue(
                        field: "Types[\(index)]",
                        problem: "\(TextRules.quote(type)) must start with one of "
                            + Limits.typeNamespaces.sorted().joined(separator: ", ")))
            } else if parts.dropFirst().contains(where: { !TextRules.isNonBlank(String($0)) }) {
                issues.append(
                    ValidationIssue(
                        field: "Types[\(index)]",
                        problem: "\(TextRules.quote(type)) must be namespace[/category[/classifier]] with no empty part"
                    ))
            }
        }
        return issues.count == before ? types : nil
    }

    private func checkedUserDefinedFields(
        _ fields: [UserDefinedField], issues: inout [ValidationIssue]
    ) -> [UserDefinedField]? {
        let before = issues.count
        if fields.count > Limits.maxUserDefinedFields {
            issues.append(
                ValidationIssue(field: "UserDefinedFields", problem: "has \(fields.count) pairs; at most 50 allowed"))
        }
        var seen = Set<String>()
        for field in fields {
            let path = "UserDefinedFields.\(field.key)"
            if !seen.insert(field.key).inserted {
                issues.append(ValidationIssue(field: path, problem: "is given twice"))
            }
            if !TextRules.length(of: field.key, isIn: Limits.userDefinedKeyLength) {
                issues.append(
                    ValidationIssue(
                        field: "UserDefinedFields",
                        problem:
                            "key \(TextRules.quote(field.key)) is \(TextRules.length(field.key)) characters long; 1 to 128 allowed"
                    ))
            } else if !field.key.utf8.allSatisfy(TextRules.isUserDefinedKeyByte) {
                issues.append(
                    ValidationIssue(
                        field: "UserDefinedFields",
                        problem: "key \(TextRules.quote(field.key)) may hold only letters, digits and -_=+@./:"))
            }
            if !TextRules.length(of: field.value, isIn: Limits.userDefinedValueLength) {
                issues.append(
                    ValidationIssue(
                        field: path,
                        problem: "is \(TextRules.length(field.value)) characters long; 1 to 1024 allowed"))
            } else if !TextRules.isNonBlank(field.value) {
                issues.append(ValidationIssue(field: path, problem: "must contain a non-whitespace character"))
            }
        }
        return issues.count == before ? fields.sorted { $0.key < $1.key } : nil
    }

    private func checkedRelatedFindings(
        _ related: [RawIdentifier], issues: inout [ValidationIssue]
    ) -> [FindingIdentifier]? {
        let before = issues.count
        if !Limits.relatedFindingsCount.contains(related.count) {
            issues.append(
                ValidationIssue(field: "RelatedFindings", problem: "has \(related.count) entries; 1 to 10 allowed"))
        }
        var result: [FindingIdentifier] = []
        for (index, raw) in related.enumerated() {
            if let identifier = Self.checkIdentifier(
                raw, fieldPrefix: "RelatedFindings[\(index)].", maxIdLength: nil, issues: &issues)
            {
                result.append(identifier)
            }
        }
        return issues.count == before ? result : nil
    }
}
