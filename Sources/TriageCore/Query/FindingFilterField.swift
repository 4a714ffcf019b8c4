/// One member of `AwsSecurityFindingFilters` (GetFindings `Filters`, 104 members): its name, the
/// kind of filter list the model gives it, and where its values sit in a composed finding.
///
/// The ASFF path is written as in the AWS documentation, dotted, with `[]` after a member whose
/// value is a list: `Resources[].Id` reaches the `Id` of every resource,
/// `Resources[].Details.AwsEc2Instance.IpV4Addresses[]` every address of every instance. Values
/// are read from the composed finding (``FindingComposer``: customer members as updated).
/// *Choice*: a `null`, a value of the wrong JSON type, or a non-list where the path says `[]`
/// counts as missing; member names are matched exactly.
package struct FindingFilterField: Sendable, Hashable {
    /// The model's filter list of a member: `StringFilterList` → ``string``, and so on.
    package enum Kind: String, Sendable, CaseIterable {
        /// `StringFilter {Value, Comparison}`.
        case string
        /// `DateFilter {Start, End, DateRange}`.
        case date
        /// `NumberFilter {Gte, Lte, Eq, Gt, Lt}`.
        case number
        /// `MapFilter {Key, Value, Comparison}`.
        case map
        /// `IpFilter {Cidr}`.
        case ip
        /// `KeywordFilter {Value}`.
        case keyword
        /// `BooleanFilter {Value}`.
        case boolean

        /// The model's list shape for this kind, e.g. `StringFilterList`.
        package var modelShape: String {
            switch self {
            case .string: "StringFilterList"
            case .date: "DateFilterList"
            case .number: "NumberFilterList"
            case .map: "MapFilterList"
            case .ip: "IpFilterList"
            case .keyword: "KeywordFilterList"
            case .boolean: "BooleanFilterList"
            }
        }

        /// Whether a value at the path has the JSON type this kind reads (strings for string,
        /// date, ip; numbers; booleans; objects for maps).
        func accepts(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.string, .string), (.date, .string), (.ip, .string), (.keyword, .string): true
            case (.number, .number), (.boolean, .bool), (.map, .object): true
            default: false
            }
        }
    }

    /// Where values come from when the path has none of the kind's type.
    package enum Fallback: Sendable, Hashable {
        /// Another ASFF path (`SeverityLabel`: `FindingProviderFields.Severity.Label`).
        case path(String)
        /// The `<region>` field of `ProductArn` (`Region`; empty when `ProductArn` is not an ARN).
        case productArnRegion
    }

    /// One member step of a path; `each` when the member holds a list (`[]`).
    struct Step: Sendable, Hashable {
        var name: String
        var each: Bool
    }

    /// The member name in `AwsSecurityFindingFilters`, e.g. `WorkflowStatus`.
    package let name: String
    /// The kind of filters it takes.
    package let kind: Kind
    /// The ASFF path, e.g. `Workflow.Status`; `*` for `Keyword` (every string value).
    package let path: String
    /// Where values come from when ``path`` has none (`Region`, `SeverityLabel`), else `nil`.
    package let fallback: Fallback?
    let steps: [Step]
    let fallbackSteps: [Step]?

    /// A field; `path` is split at dots, a trailing `[]` marks a list member.
    init(_ name: String, _ kind: Kind, _ path: String, fallback: Fallback? = nil) {
        self.name = name
        self.kind = kind
        self.path = path
        self.fallback = fallback
        steps = kind == .keyword ? [] : Self.steps(path)
        if case .path(let other)? = fallback {
            fallbackSteps = Self.steps(other)
        } else {
            fallbackSteps = nil
        }
    }

    private static func steps(_ path: String) -> [Step] {
        path.split(separator: ".").map { part in
            part.hasSuffix("[]")
                ? Step(name: String(part.dropLast(2)), each: true) : Step(name: String(part), each: false)
        }
    }

    /// The path's member names with their list marks, e.g. `[("Resources", true), ("Id", false)]`.
    package var pathSteps: [(name: String, isList: Bool)] { steps.map { ($0.name, $0.each) } }

    /// Whether a finding has at most one value for it: no `[]` on the path, not a map, not
    /// `Keyword`. Only these fields sort (`SortCriteria`).
    package var isScalar: Bool {
        kind != .map && kind != .keyword && !steps.contains(where: \.each)
    }

    /// The top-level members of a finding the field reads (its fallback's included); `nil` for
    /// `Keyword`, which reads them all.
    package var topLevelMembers: [String]? {
        if kind == .keyword { return nil }
        var names = [steps[0].name]
        if let first = fallbackSteps?.first { names.append(first.name) }
        if fallback == .productArnRegion { names.append("ProductArn") }
        return names
    }

    /// The field's values in `finding` (a composed finding, or the members of it that
    /// ``topLevelMembers`` names), those of the kind's JSON type only, in document order; the
    /// fallback's when the path has none. Empty when the finding has no such field.
    package func values(in finding: JSONValue) -> [JSONValue] {
        if kind == .keyword { return Self.strings(in: finding) }
        let primary = Self.walk(steps, from: finding).filter(kind.accepts)
        guard primary.isEmpty, let fallback else { return primary }
        switch fallback {
        case .path:
            return Self.walk(fallbackSteps ?? [], from: finding).filter(kind.accepts)
        case .productArnRegion:
            guard case .string(let arn)? = finding[key: "ProductArn"] else { return [] }
            return [.string(ProviderFinding.region(ofProductArn: arn))]
        }
    }

    /// The first string value (the value an indexed column of the store holds), or `nil`.
    package func firstString(in finding: JSONValue) -> String? {
        for value in values(in: finding) {
            if case .string(let text) = value { return text }
        }
        return nil
    }

    private static func walk(_ steps: [Step], from root: JSONValue) -> [JSONValue] {
        var current = [root]
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                guard let member = value[key: step.name] else { continue }
                if step.each {
                    if case .array(let elements) = member { next.append(contentsOf: elements) }
                } else {
                    next.append(member)
                }
            }
            current = next
        }
        return current
    }

    /// Every string value at any depth of `value` (member names excluded), in document order.
    private static func strings(in value: JSONValue) -> [JSONValue] {
        var out: [JSONValue] = []
        var pending = [value]
        while let next = pending.popLast() {
            switch next {
            case .string: out.append(next)
            case .array(let elements): pending.append(contentsOf: elements.reversed())
            case .object(let members): pending.append(contentsOf: members.reversed().map(\.value))
            default: break
            }
        }
        return out
    }

    /// The field named `name` (case-sensitive), or `nil`.
    package static func named(_ name: String) -> FindingFilterField? { byName[name] }

    private static let byName: [String: FindingFilterField] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The names of every field, in the model's order (for did-you-mean suggestions).
    package static let names: [String] = all.map(\.name)
}
