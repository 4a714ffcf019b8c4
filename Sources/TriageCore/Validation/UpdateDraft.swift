/// An identifier as a reader found it: either member may be missing.
public struct RawIdentifier: Hashable, Sendable {
    /// `Id`, if the record had one.
    public var id: String?
    /// `ProductArn`, if the record had one.
    public var productArn: String?
    /// The record's `AwsAccountId` routing member, if it had one: the account the finding belongs
    /// to, checked as 12 digits and never sent to the API (``FindingAccount``).
    public var account: String?

    /// Creates a raw identifier.
    public init(id: String?, productArn: String?, account: String? = nil) {
        self.id = id
        self.productArn = productArn
        self.account = account
    }
}

/// A decision as a reader decoded it, before the contract is checked: enum values are still
/// strings, and type problems the reader met (a string where an integer belongs, an unknown
/// member) are already in ``issues``. Readers of every format fill one of these;
/// ``validate(defaultNoteAuthor:)`` applies the rules of `batchupdatefindings.md` §1.
public struct UpdateDraft: Sendable {
    /// The findings the record names: one for a decision record, 0..n for a whole-request line.
    public var identifiers: [RawIdentifier] = []
    /// Whether the record is a whole request (`FindingIdentifiers`): its identifier count is
    /// then checked against 1..100.
    public var isWholeRequest = false

    /// Whether `Note` was present (even empty).
    public var hasNote = false
    /// `Note.Text`.
    public var noteText: String?
    /// `Note.UpdatedBy`.
    public var noteUpdatedBy: String?
    /// `Severity.Label`, unchecked.
    public var severityLabel: String?
    /// `Severity.Normalized`, an integer.
    public var severityNormalized: Int?
    /// `Severity.Product`, a number.
    public var severityProduct: Double?
    /// `VerificationState`, unchecked.
    public var verificationState: String?
    /// `Confidence`, an integer.
    public var confidence: Int?
    /// `Criticality`, an integer.
    public var criticality: Int?
    /// `Types`, unchecked.
    public var types: [String]?
    /// `UserDefinedFields` in the order given (duplicates are an issue the reader reports).
    public var userDefinedFields: [UserDefinedField]?
    /// `Workflow.Status`, unchecked.
    public var workflowStatus: String?
    /// `RelatedFindings`, unchecked.
    public var relatedFindings: [RawIdentifier]?
    /// `AwsAccountId`, the record's routing member (not an update member), unchecked; it applies
    /// to every identifier of the record.
    public var awsAccountId: String?

    /// Problems found while decoding (wrong types, unknown members).
    public var issues: [ValidationIssue] = []

    /// Creates an empty draft.
    public init() {}

    /// Records a problem with `field`.
    public mutating func reject(_ field: String, _ problem: String) {
        issues.append(ValidationIssue(field: field, problem: problem))
    }
}

/// One broken rule: the dotted field path and what is wrong with it.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
    /// Dotted ASFF path, e.g. `Workflow.Status` or `Types[3]`; empty for the record as a whole.
    public var field: String
    /// What is wrong, e.g. `"CLOSED" is not one of NEW, NOTIFIED, RESOLVED, SUPPRESSED`.
    public var problem: String

    /// Creates an issue.
    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    /// `field: problem`, or the problem alone.
    public var description: String { field.isEmpty ? problem : "\(field): \(problem)" }

    /// All issues as one message, in the order found.
    public static func message(_ issues: [ValidationIssue]) -> String {
        issues.map(\.description).joined(separator: "; ")
    }
}
