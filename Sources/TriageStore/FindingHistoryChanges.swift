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
    /// The path of the value being compared on bytes: raw (escaped) key bytes joined with `.`.
    private var path: [UInt8] = []

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

    /// Adds the changes of `field` between two customer states (a `BatchUpdateFindings`), on the
    /// states' compact JSON bytes in place: nothing is parsed into values or copied, and an unchanged
    /// field (the common case: an update sets one or two of the nine) costs one comparison. Values
    /// compare byte for byte (the state's values are compact); a string is written with its escapes
    /// as stored, which decodes to the same text.
    mutating func compare(_ field: CustomerField, before: CustomerState, after: CustomerState) {
        path.removeAll(keepingCapacity: true)
        path.append(contentsOf: field.name.utf8)
        if before.contains(field) {
            before.withValue(field) { old in
                if after.contains(field) {
                    after.withValue(field) { new in compareBytes(old, new) }
                } else {
                    compareBytes(old, nil)
                }
            }
        } else if after.contains(field) {
            after.withValue(field) { new in compareBytes(nil, new) }
        }
    }

    /// ``compare(_:_:path:)`` on compact JSON bytes, the path in ``path`` (raw key bytes joined
    /// with `.`; restored on return).
    private mutating func compareBytes(_ old: UnsafeRawBufferPointer?, _ new: UnsafeRawBufferPointer?) {
        if let old, let new, old.elementsEqual(new) { return }
        let oldObject = old.flatMap(Self.nonEmptyObject)
        let newObject = new.flatMap(Self.nonEmptyObject)
        if oldObject == nil && newObject == nil {
            if old != nil || new != nil { appendRaw(old, new) }
            return
        }
        if oldObject == nil, let old { appendRaw(old, nil) }
        let depth = path.count
        if let newObject, let new {
            for (index, member) in newObject.members.enumerated() {
                let key = UnsafeRawBufferPointer(rebasing: new[member.key])
                guard !Self.hasKey(key, in: newObject.members.prefix(index), of: new) else { continue }
                let oldValue = oldObject.flatMap { object in
                    old.flatMap { old in
                        Self.firstMember(key, in: object.members[...], of: old).map {
                            UnsafeRawBufferPointer(rebasing: old[$0.value])
                        }
                    }
                }
                path.append(UInt8(ascii: "."))
                path.append(contentsOf: key)
                compareBytes(oldValue, UnsafeRawBufferPointer(rebasing: new[member.value]))
                path.removeSubrange(depth...)
            }
        }
        if let oldObject, let old {
            for (index, member) in oldObject.members.enumerated() {
                let key = UnsafeRawBufferPointer(rebasing: old[member.key])
                guard !Self.hasKey(key, in: oldObject.members.prefix(index), of: old) else { continue }
                if let newObject, let new, Self.hasKey(key, in: newObject.members[...], of: new) { continue }
                path.append(UInt8(ascii: "."))
                path.append(contentsOf: key)
                compareBytes(UnsafeRawBufferPointer(rebasing: old[member.value]), nil)
                path.removeSubrange(depth...)
            }
        }
        if newObject == nil, let new { appendRaw(nil, new) }
    }

    /// The layout of `value` if it is an object with at least one member (walked, not a leaf).
    private static func nonEmptyObject(_ value: UnsafeRawBufferPointer) -> JSONObjectLayout? {
        guard value.first == UInt8(ascii: "{"), let layout = try? JSONObjectLayout.scan(value),
            !layout.members.isEmpty
        else { return nil }
        return layout
    }

    /// The first of `members` whose raw key bytes are `key`.
    private static func firstMember(
        _ key: UnsafeRawBufferPointer, in members: ArraySlice<JSONObjectLayout.Member>, of bytes: UnsafeRawBufferPointer
    ) -> JSONObjectLayout.Member? {
        members.first {
            $0.key.count == key.count && UnsafeRawBufferPointer(rebasing: bytes[$0.key]).elementsEqual(key)
        }
    }

    private static func hasKey(
        _ key: UnsafeRawBufferPointer, in members: ArraySlice<JSONObjectLayout.Member>, of bytes: UnsafeRawBufferPointer
    ) -> Bool {
        firstMember(key, in: members, of: bytes) != nil
    }

    /// Appends a change of the leaf at ``path`` from raw compact JSON values: a string as it is
    /// written (quotes and escapes: already a JSON string), any other value as a JSON string of its
    /// text.
    private mutating func appendRaw(_ old: UnsafeRawBufferPointer?, _ new: UnsafeRawBufferPointer?) {
        bytes.append(UInt8(ascii: count > 0 ? "," : "["))
        count += 1
        bytes.append(contentsOf: #"{"UpdatedField":""#.utf8)
        bytes.append(contentsOf: path)
        bytes.append(UInt8(ascii: "\""))
        if let old {
            bytes.append(contentsOf: #","OldValue":"#.utf8)
            appendString(of: old)
        }
        if let new, !omitsNewValues {
            bytes.append(contentsOf: #","NewValue":"#.utf8)
            appendString(of: new)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// `value` (compact JSON) as a JSON string: a string as is; other values quoted, their `"` and
    /// `\` escaped (compact JSON has no raw control characters).
    private mutating func appendString(of value: UnsafeRawBufferPointer) {
        if value.first == UInt8(ascii: "\"") {
            bytes.append(contentsOf: value)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in value {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
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
