/// `Workflow.Status` values.
public enum WorkflowStatus: String, Sendable, CaseIterable, Hashable {
    case new = "NEW", notified = "NOTIFIED", resolved = "RESOLVED", suppressed = "SUPPRESSED"
}

/// `Severity.Label` values, in rising order.
public enum SeverityLabel: String, Sendable, CaseIterable, Hashable {
    case informational = "INFORMATIONAL", low = "LOW", medium = "MEDIUM", high = "HIGH", critical = "CRITICAL"
}

/// `VerificationState` values.
public enum VerificationState: String, Sendable, CaseIterable, Hashable {
    case unknown = "UNKNOWN", truePositive = "TRUE_POSITIVE", falsePositive = "FALSE_POSITIVE"
    case benignPositive = "BENIGN_POSITIVE"
}

/// The `Note` member: both parts required.
public struct NoteUpdate: Hashable, Sendable {
    /// 1..512 characters, at least one non-whitespace.
    public var text: String
    /// 1..512 characters, at least one non-whitespace.
    public var updatedBy: String

    /// Creates a note.
    public init(text: String, updatedBy: String) {
        self.text = text
        self.updatedBy = updatedBy
    }
}

/// The `Severity` member: any subset of its three parts (at least one set).
public struct SeverityUpdate: Hashable, Sendable {
    /// The label.
    public var label: SeverityLabel?
    /// Integer 0..100.
    public var normalized: Int?
    /// Any finite number; the provider's own scale.
    public var product: Double?

    /// Creates a severity update.
    public init(label: SeverityLabel? = nil, normalized: Int? = nil, product: Double? = nil) {
        self.label = label
        self.normalized = normalized
        self.product = product
    }

    /// Whether no part is set.
    public var isEmpty: Bool { label == nil && normalized == nil && product == nil }
}

/// A validated update: the nine update members of a `BatchUpdateFindings` request.
///
/// Values of this type always satisfy the validation contract of `docs/contract.md`
/// (they are built by ``UpdateDraft/validate(defaultNoteAuthor:)``) and have at least one member
/// set. Two updates with the same effect have the same ``canonicalJSON`` bytes, which batching
/// groups by and the wire layer sends as the request's update part.
public struct FindingUpdate: Hashable, Sendable {
    /// `Note`.
    public var note: NoteUpdate?
    /// `Severity`.
    public var severity: SeverityUpdate?
    /// `VerificationState`.
    public var verificationState: VerificationState?
    /// `Confidence`, 0..100.
    public var confidence: Int?
    /// `Criticality`, 0..100.
    public var criticality: Int?
    /// `Types`, 1..50 entries, order kept.
    public var types: [String]?
    /// `UserDefinedFields`, at most 50 pairs, sorted by key (keys are unique).
    public var userDefinedFields: [UserDefinedField]?
    /// `Workflow.Status`.
    public var workflowStatus: WorkflowStatus?
    /// `RelatedFindings`, 1..10 entries, order kept.
    public var relatedFindings: [FindingIdentifier]?

    /// Creates an update; callers outside validation are tests and the store's own code.
    public init(
        note: NoteUpdate? = nil, severity: SeverityUpdate? = nil, verificationState: VerificationState? = nil,
        confidence: Int? = nil, criticality: Int? = nil, types: [String]? = nil,
        userDefinedFields: [UserDefinedField]? = nil, workflowStatus: WorkflowStatus? = nil,
        relatedFindings: [FindingIdentifier]? = nil
    ) {
        self.note = note
        self.severity = severity
        self.verificationState = verificationState
        self.confidence = confidence
        self.criticality = criticality
        self.types = types
        self.userDefinedFields = userDefinedFields.map { $0.sorted { $0.key < $1.key } }
        self.workflowStatus = workflowStatus
        self.relatedFindings = relatedFindings
    }

    /// Whether no member is set (such an update is never valid).
    public var isEmpty: Bool {
        note == nil && (severity?.isEmpty ?? true) && verificationState == nil && confidence == nil
            && criticality == nil && types == nil && userDefinedFields == nil && workflowStatus == nil
            && relatedFindings == nil
    }
}

/// One `UserDefinedFields` pair.
public struct UserDefinedField: Hashable, Sendable {
    /// 1..128 characters of letters, digits and `-_=+@./:`.
    public var key: String
    /// 1..1024 characters, at least one non-whitespace.
    public var value: String

    /// Creates a pair.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
