import TriageCore

/// What a rehearsal (`apply --dry-run` against the store) would change: for each member an
/// update sets and each value, how many findings it would update and how many already had that
/// value, e.g. `Workflow.Status → SUPPRESSED: 340 findings, already so: 12`.
///
/// Counts are per applied decision: a finding updated by two decisions counts twice (the second
/// time as already so when the first set the same value), as in a real run, where the second
/// sees the first one's result. Decisions that fail (`FindingNotFound`, `InvalidInput`, ...)
/// are not counted here; the report lists them.
public struct RehearsalTally: Sendable, Equatable {
    /// One member and value, and its counts.
    public typealias Entry = MemberChange

    private var counts: [UpdatedMember: (findings: Int, alreadySo: Int)] = [:]
    /// Decisions whose update would be applied (processed outcomes).
    public private(set) var updatedFindings = 0

    /// Nothing counted.
    public init() {}

    /// The entries in a fixed order: members in the API's order (`Note`, `Severity.Label`,
    /// `Severity.Normalized`, `Severity.Product`, `VerificationState`, `Confidence`,
    /// `Criticality`, `Types`, `UserDefinedFields`, `Workflow.Status`, `RelatedFindings`), then
    /// values (numbers by value, others by their UTF-8 bytes).
    public var entries: [Entry] {
        counts.keys.sorted(by: Self.precedes).map { key in
            let count = counts[key] ?? (0, 0)
            return Entry(member: key.path.name, value: key.value, findings: count.findings, alreadySo: count.alreadySo)
        }
    }

    /// One line per entry, in ``entries``' order.
    public var lines: [String] { entries.map(\.line) }

    /// The entry for `member` (a dotted path such as `Workflow.Status`) and `value`, if counted.
    public func entry(_ member: String, _ value: String? = nil) -> Entry? {
        entries.first { $0.member == member && $0.value == value }
    }

    /// Adds what one batch changed.
    package mutating func add(_ changes: BatchChanges) {
        updatedFindings += changes.updated
        guard changes.updated > 0 else { return }
        for (index, member) in changes.members.enumerated() {
            counts[member, default: (0, 0)].findings += changes.updated
            counts[member, default: (0, 0)].alreadySo += changes.alreadySo[index]
        }
    }

    /// Equal when the same entries and the same number of updated findings are counted.
    public static func == (left: Self, right: Self) -> Bool {
        left.updatedFindings == right.updatedFindings && left.entries == right.entries
    }

    private static func precedes(_ left: UpdatedMember, _ right: UpdatedMember) -> Bool {
        if left.path != right.path { return left.path < right.path }
        switch (left.value, right.value) {
        case (nil, nil): return false
        case (nil, _): return true
        case (_, nil): return false
        case (let a?, let b?):
            if let x = Double(a), let y = Double(b), x != y { return x < y }
            return a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }
}
