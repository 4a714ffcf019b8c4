import TriageCore

/// The `Updates` of one finding history record as it is built: the compact JSON array
/// `[{"UpdatedField":"Workflow.Status","OldValue":"NEW","NewValue":"NOTIFIED"},...]` that
/// `GetFindingHistory` answers (the store keeps it as is, so reading splices bytes).
///
/// A change is reported per leaf of the finding, as Security Hub reports them (the AWS CLI's
/// example of `get-finding-history` shows `Compliance.RelatedRequirements`, `LastObservedAt`):
/// - objects are walked, their members' names joined with `.` (`Note.UpdatedAt`,
///   `Severity.Label`, `UserDefinedFields.<key>`); an empty object is a leaf, `{}`;
/// - arrays are leaves, written as compact JSON (`Types`, `RelatedFindings`, `Resources`);
/// - a string leaf is its text without quotes; a number its literal; `true`, `false`, `null`.
///
/// `OldValue` is left out for a leaf the finding did not have, `NewValue` for one it no longer
/// has. When the record would pass ``maxBytes``, it is built again without any `NewValue`, as
/// the API reference says Security Hub does when a record "exceeds database limits".
struct FindingHistoryChanges {
    /// The largest `Updates` kept with new values, in bytes.
    static let maxBytes = 65_536

    /// The top-level members a re-import's record leaves out: the API reference says the
    /// history holds changes to every field "except top-level timestamp fields, such as the
    /// `CreatedAt` and `UpdatedAt` fields".
    static let untrackedTopLevel: Set<String> = [
        "CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt", "ProcessedAt",
    ]

    /// The array so far, without its closing `]` (empty until the first change: no allocation
    /// for a finding that changed nothing).
    private var bytes: [UInt8] = []
    /// Changes appended so far.
    private(set) var count = 0
    /// Whether `NewValue` is left out (a second build of a record over ``maxBytes``).
    private let omitsNewValues: Bool

    private init(omitsNewValues: Bool) {
        self.omitsNewValues = omitsNewValues
    }

    /// The `Updates` that `compare` finds, or `nil` when it finds no change (no record is then
    /// written). Built again without new values when over ``maxBytes``.
    static func build(_ compare: (inout FindingHistoryChanges) -> Void) -> [UInt8]? {
        var changes = FindingHistoryChanges(omitsNewValues: false)
        compare(&changes)
        guard changes.count > 0 else { return nil }
        if changes.bytes.count >= maxBytes {
            changes = FindingHistoryChanges(omitsNewValues: true)
            compare(&changes)
        }
        changes.bytes.append(UInt8(ascii: "]"))
        return changes.bytes
    }

    /// Adds the changes of `field` between two customer states (a `BatchUpdateFindings`).
    /// Same bytes: no change, nothing copied or parsed (the common case: an update sets one or two
    /// of the nine fields).
    mutating func compare(_ field: CustomerField, before: CustomerState, after: CustomerState) {
        let unchanged =
            before.withValue(field) { old in after.withValue(field) { new in old.elementsEqual(new) } ?? false }
            ?? !after.contains(field)
        guard !unchanged else { return }
        let old = before.withValue(field) { try? JSONParser.parse($0) } ?? nil
        let new = after.withValue(field) { try? JSONParser.parse($0) } ?? nil
        compare(old, new, path: field.name)
    }

    /// Adds the changes between two composed findings (a re-import), top-level timestamps
    /// (``untrackedTopLevel``) left out.
    mutating func compare(document old: JSONValue, _ new: JSONValue) {
        compareMembers(old, new, prefix: nil, skipping: Self.untrackedTopLevel)
    }

    /// The `Updates` of a re-import: the finding composed from the stored document `old` and the
    /// stored `state`, against the one composed from `new`; `nil` when nothing changed but
    /// top-level timestamps. Composed findings, so that a member the customer owns compares with
    /// the value the finding shows.
    static func reimport(old: UnsafeRawBufferPointer, state: CustomerState, new: StoredFinding) throws -> [UInt8]? {
        var before: [UInt8] = []
        try FindingComposer.compose(provider: old, state: state, into: &before)
        let after = try FindingComposer.compose(provider: new.document, state: new.state)
        let oldFinding = try JSONParser.parse(before)
        let newFinding = try JSONParser.parse(after)
        return build { changes in changes.compare(document: oldFinding, newFinding) }
    }

    /// Adds the changes between `old` and `new` at `path` (either may be absent).
    mutating func compare(_ old: JSONValue?, _ new: JSONValue?, path: String) {
        let oldIsObject = old?.isNonEmptyObject ?? false
        let newIsObject = new?.isNonEmptyObject ?? false
        if !oldIsObject && !newIsObject {
            let before = old.map(Leaf.init)
            let after = new.map(Leaf.init)
            if before != after { append(path, before, after) }
            return
        }
        if !oldIsObject, let old { append(path, Leaf(old), nil) }
        compareMembers(oldIsObject ? old : nil, newIsObject ? new : nil, prefix: path, skipping: [])
        if !newIsObject, let new { append(path, nil, Leaf(new)) }
    }

    /// The members of two objects (either may be absent): the new one's in its order, then
    /// those only the old one has. A duplicated key counts once, its first value.
    private mutating func compareMembers(_ old: JSONValue?, _ new: JSONValue?, prefix: String?, skipping: Set<String>) {
        let oldMembers = old?.objectMembers ?? []
        let newMembers = new?.objectMembers ?? []
        var oldByKey: [String: JSONValue] = [:]
        for member in oldMembers where oldByKey[member.key] == nil { oldByKey[member.key] = member.value }
        var seen: Set<String> = []
        for member in newMembers where !skipping.contains(member.key) && seen.insert(member.key).inserted {
            compare(oldByKey[member.key], member.value, path: Self.join(prefix, member.key))
        }
        for member in oldMembers where !skipping.contains(member.key) && seen.insert(member.key).inserted {
            compare(member.value, nil, path: Self.join(prefix, member.key))
        }
    }

    private static func join(_ prefix: String?, _ key: String) -> String {
        guard let prefix else { return key }
        return prefix + "." + key
    }

    /// Appends `{"UpdatedField":path,"OldValue":...,"NewValue":...}`.
    private mutating func append(_ path: String, _ old: Leaf?, _ new: Leaf?) {
        bytes.append(UInt8(ascii: count > 0 ? "," : "["))
        count += 1
        bytes.append(contentsOf: #"{"UpdatedField":"#.utf8)
        JSONText.appendString(path, to: &bytes)
        if let old {
            bytes.append(contentsOf: #","OldValue":"#.utf8)
            JSONText.appendString(old.text, to: &bytes)
        }
        if let new, !omitsNewValues {
            bytes.append(contentsOf: #","NewValue":"#.utf8)
            JSONText.appendString(new.text, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// A leaf's value as the history writes it, and whether it was a JSON string (the string
    /// `"70"` and the number `70` differ).
    private struct Leaf: Equatable {
        var text: String
        var isString: Bool

        init(_ value: JSONValue) {
            switch value {
            case .string(let string):
                text = string
                isString = true
            case .number(let number):
                text = number.literal
                isString = false
            default:
                text = String(decoding: CompactJSON.bytes(value), as: UTF8.self)
                isString = false
            }
        }
    }
}

extension JSONValue {
    /// Whether this is an object with at least one member (walked by the history, not a leaf).
    fileprivate var isNonEmptyObject: Bool {
        if case .object(let members) = self { return !members.isEmpty }
        return false
    }

    /// The members if this is an object, else `nil`.
    fileprivate var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
