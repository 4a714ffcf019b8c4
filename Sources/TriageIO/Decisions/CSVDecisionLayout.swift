import TriageCore

/// What each column of a decisions CSV holds, from its header row (`docs/contract.md`, CSV).
///
/// Columns are dotted ASFF paths matched case-insensitively; `UserDefinedFields.<key>` keeps the
/// key as written in the header. An empty cell means "not set".
package struct CSVDecisionLayout: Sendable {
    enum Column: Sendable, Equatable {
        case id, productArn, awsAccountId, workflowStatus, verificationState, severityLabel, severityNormalized
        case severityProduct, confidence, criticality, noteText, noteUpdatedBy, types, relatedFindings
        case userDefinedField(String)
    }

    /// The fixed columns as the README names them, in that order.
    static let known: [(name: String, column: Column)] = [
        ("Id", .id), ("ProductArn", .productArn), ("Workflow.Status", .workflowStatus),
        ("VerificationState", .verificationState), ("Severity.Label", .severityLabel),
        ("Severity.Normalized", .severityNormalized), ("Severity.Product", .severityProduct),
        ("Confidence", .confidence), ("Criticality", .criticality), ("Note.Text", .noteText),
        ("Note.UpdatedBy", .noteUpdatedBy), ("Types", .types), ("RelatedFindings", .relatedFindings),
        ("AwsAccountId", .awsAccountId),
    ]

    /// The fixed columns by lower-cased name.
    static let names: [String: Column] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.name.lowercased(), $0.column) })

    private static let userDefinedFieldsPrefix = "UserDefinedFields."

    let columns: [Column]

    /// Number of columns every row must have.
    package var width: Int { columns.count }

    /// Reads the header row.
    package init(header: [String]) throws(TriageIOError) {
        var columns: [Column] = []
        var unknown: [String] = []
        var seen = Set<String>()
        var repeated: [String] = []
        for name in header {
            let lowered = name.lowercased()
            let column: Column
            if let known = Self.names[lowered] {
                column = known
            } else if lowered.hasPrefix("userdefinedfields."), name.count > Self.userDefinedFieldsPrefix.count {
                column = .userDefinedField(String(name.dropFirst(Self.userDefinedFieldsPrefix.count)))
            } else {
                unknown.append(name)
                continue
            }
            let identity: String
            if case .userDefinedField(let key) = column { identity = "udf:" + key } else { identity = lowered }
            if !seen.insert(identity).inserted { repeated.append(name) }
            columns.append(column)
        }
        if !unknown.isEmpty {
            let shown = unknown.map { name in
                TextRules.quote(name) + (Self.suggestion(for: name).map { " (did you mean \($0)?)" } ?? "")
            }
            throw TriageIOError(
                .invalidCSVHeader,
                "unknown column\(unknown.count == 1 ? "" : "s") \(shown.joined(separator: ", ")); columns are "
                    + Self.known.map(\.name).joined(separator: ", ") + " and UserDefinedFields.<key>")
        }
        if !repeated.isEmpty {
            throw TriageIOError(
                .invalidCSVHeader, "column \(repeated.map { TextRules.quote($0) }.joined(separator: ", ")) given twice")
        }
        for (required, name) in [(Column.id, "Id"), (.productArn, "ProductArn")] where !columns.contains(required) {
            throw TriageIOError(.invalidCSVHeader, "the header has no \(name) column")
        }
        self.columns = columns
    }

    /// The column an unknown header name most likely meant (``NameSuggestion``): a fixed column, or
    /// `UserDefinedFields.<key>` for a near miss of the prefix (`UserDefinedField.ticket`).
    static func suggestion(for name: String) -> String? {
        if let dot = name.firstIndex(of: "."), name.index(after: dot) < name.endIndex,
            NameSuggestion.nearest(to: String(name[..<dot]), among: ["UserDefinedFields"]) != nil
        {
            return Self.userDefinedFieldsPrefix + name[name.index(after: dot)...]
        }
        return NameSuggestion.nearest(to: name, among: known.map(\.name))
    }

    /// Decodes one row (exactly ``width`` cells) into a draft.
    package func draft(cells: [String]) -> UpdateDraft {
        var draft = UpdateDraft()
        var identifier = RawIdentifier(id: nil, productArn: nil)
        for (column, cell) in zip(columns, cells) where !cell.isEmpty {
            switch column {
            case .id: identifier.id = cell
            case .productArn: identifier.productArn = cell
            case .awsAccountId: identifier.account = cell
            case .workflowStatus: draft.workflowStatus = cell
            case .verificationState: draft.verificationState = cell
            case .severityLabel: draft.severityLabel = cell
            case .severityNormalized: draft.severityNormalized = Self.integer(cell, "Severity.Normalized", &draft)
            case .severityProduct:
                if let number = Double(cell.trimmingASCIISpaces()) {
                    draft.severityProduct = number
                } else {
                    draft.reject("Severity.Product", "\(TextRules.quote(cell)) is not a number")
                }
            case .confidence: draft.confidence = Self.integer(cell, "Confidence", &draft)
            case .criticality: draft.criticality = Self.integer(cell, "Criticality", &draft)
            case .noteText:
                draft.hasNote = true
                draft.noteText = cell
            case .noteUpdatedBy:
                draft.hasNote = true
                draft.noteUpdatedBy = cell
            case .types:
                draft.types = cell.split(separator: ";", omittingEmptySubsequences: false).map {
                    String($0).trimmingASCIISpaces()
                }
            case .userDefinedField(let key):
                draft.userDefinedFields = (draft.userDefinedFields ?? []) + [UserDefinedField(key: key, value: cell)]
            case .relatedFindings:
                Self.decodeRelatedFindings(cell, into: &draft)
            }
        }
        draft.identifiers = [identifier]
        return draft
    }

    private static func integer(_ cell: String, _ field: String, _ draft: inout UpdateDraft) -> Int? {
        let text = cell.trimmingASCIISpaces()
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            draft.reject(field, "\(TextRules.quote(cell)) is not an integer")
            return nil
        }
        guard let value = Int(text) else {
            draft.reject(field, "\(TextRules.quote(cell)) is out of range 0 to 100")
            return nil
        }
        return value
    }

    /// `RelatedFindings` is a JSON array of `{"ProductArn","Id"}` inside the cell.
    private static func decodeRelatedFindings(_ cell: String, into draft: inout UpdateDraft) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(cell.utf8))
        } catch {
            draft.reject("RelatedFindings", "is not a JSON array: \(error)")
            return
        }
        let decoded = UpdateDraft(decisionObject: [JSONMember(key: "RelatedFindings", value: value)])
        draft.relatedFindings = decoded.relatedFindings
        draft.issues += decoded.issues
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces and tabs.
    func trimmingASCIISpaces() -> String {
        let bytes = Array(utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if start == 0, end == bytes.count { return self }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
