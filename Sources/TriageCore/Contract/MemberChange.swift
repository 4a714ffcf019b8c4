/// What a rehearsal (`apply --dry-run` against the store) found an updated member would change:
/// how many findings it is set on and how many already had it; the report's `wouldChange` and
/// the lines on stderr.
public struct MemberChange: Sendable, Equatable {
    /// The dotted ASFF path, e.g. `Workflow.Status`, `Severity.Label`, `Note`,
    /// `UserDefinedFields`.
    public var member: String
    /// The value set (`SUPPRESSED`, `HIGH`, `70`); `nil` for `Note`, `Types`,
    /// `UserDefinedFields` and `RelatedFindings`, which are counted without a value.
    public var value: String?
    /// Findings the member would be set on.
    public var findings: Int
    /// Of those, findings that already had it as set (0 for `Note`, which is always stamped
    /// anew).
    public var alreadySo: Int

    /// Creates a change.
    public init(member: String, value: String?, findings: Int, alreadySo: Int) {
        self.member = member
        self.value = value
        self.findings = findings
        self.alreadySo = alreadySo
    }

    /// `Workflow.Status → SUPPRESSED: 340 findings, already so: 12`; `Note: 5 findings`.
    public var line: String {
        var line = member
        if let value { line += " → \(value)" }
        line += ": \(findings) finding\(findings == 1 ? "" : "s")"
        if member != "Note" { line += ", already so: \(alreadySo)" }
        return line
    }
}
