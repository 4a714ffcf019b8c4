/// The members of one JSON object of a GetFindings request, checked for unknown and duplicate
/// names, with typed accessors whose errors name the member's path. *Choice*: a member whose value
/// is `null` counts as absent (as AWS's JSON protocols treat it).
struct RequestObject {
    /// Where the object sits, e.g. `Filters.WorkflowStatus[1]` (empty for the request itself).
    let path: String
    private let members: [String: JSONValue]

    /// Checks `value` as an object whose members are among `allowed`.
    init(_ value: JSONValue, path: String, allowed: [String]) throws(QueryError) {
        guard case .object(let list) = value else {
            throw QueryError("\(path): must be an object, got \(value.typeName)")
        }
        try self.init(members: list, path: path, allowed: allowed)
    }

    /// Checks `list` as the members of an object, among `allowed`.
    init(members list: [JSONMember], path: String, allowed: [String]) throws(QueryError) {
        self.path = path
        var members: [String: JSONValue] = [:]
        for member in list {
            let at = Self.join(path, member.key)
            guard allowed.contains(member.key) else {
                let hint = NameSuggestion.nearest(to: member.key, among: allowed).map { " (did you mean \($0)?)" } ?? ""
                throw QueryError("\(at): unknown member\(hint)")
            }
            guard members[member.key] == nil else { throw QueryError("\(at): duplicate member") }
            if member.value != .null { members[member.key] = member.value }
        }
        self.members = members
    }

    /// `path.name`, or `name` at the top.
    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The path of member `name`.
    func at(_ name: String) -> String { Self.join(path, name) }

    /// The member's value, `nil` when absent.
    subscript(name: String) -> JSONValue? { members[name] }

    /// Whether any of `names` is present.
    func hasAny(_ names: [String]) -> Bool { names.contains { members[$0] != nil } }

    /// The member's value; `nil` when absent and not `required`.
    private func present(_ name: String, required: Bool) throws(QueryError) -> JSONValue? {
        guard let value = members[name] else {
            if required { throw QueryError("\(at(name)): required member is missing") }
            return nil
        }
        return value
    }

    /// A string member.
    private func string(_ name: String, required: Bool) throws(QueryError) -> String? {
        guard let value = try present(name, required: required) else { return nil }
        guard case .string(let text) = value else {
            throw QueryError("\(at(name)): must be a string, got \(value.typeName)")
        }
        return text
    }

    /// A string member with a non-whitespace character (the model's `NonEmptyString`).
    func text(_ name: String, required: Bool) throws(QueryError) -> String? {
        guard let text = try string(name, required: required) else { return nil }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw QueryError("\(at(name)): must contain a non-whitespace character")
        }
        return text
    }

    /// A string member that must be one of `choices`.
    func choice<Choice: RawRepresentable>(_ name: String, of choices: [Choice], required: Bool) throws(QueryError)
        -> Choice? where Choice.RawValue == String
    {
        guard let text = try string(name, required: required) else { return nil }
        guard let choice = choices.first(where: { $0.rawValue == text }) else {
            throw QueryError(
                "\(at(name)): \(Self.shown(text)) is not one of \(choices.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    /// An integer member (an integer literal that fits in `Int`).
    func integer(_ name: String, required: Bool) throws(QueryError) -> Int? {
        guard let value = try present(name, required: required) else { return nil }
        guard case .number(let number) = value, let integer = number.intValue else {
            throw QueryError("\(at(name)): must be an integer, got \(Self.described(value))")
        }
        return integer
    }

    /// A finite number member.
    func number(_ name: String) throws(QueryError) -> Double? {
        guard let value = members[name] else { return nil }
        guard case .number(let number) = value else {
            throw QueryError("\(at(name)): must be a number, got \(value.typeName)")
        }
        guard number.doubleValue.isFinite else {
            throw QueryError("\(at(name)): \(Self.shown(number.literal)) is not a finite number")
        }
        return number.doubleValue
    }

    /// A boolean member.
    func boolean(_ name: String, required: Bool) throws(QueryError) -> Bool? {
        guard let value = try present(name, required: required) else { return nil }
        guard case .bool(let flag) = value else {
            throw QueryError("\(at(name)): must be a boolean, got \(value.typeName)")
        }
        return flag
    }

    /// A list member's elements.
    func list(_ name: String) throws(QueryError) -> [JSONValue]? {
        guard let value = members[name] else { return nil }
        guard case .array(let elements) = value else {
            throw QueryError("\(at(name)): must be a list, got \(value.typeName)")
        }
        return elements
    }

    /// `text` for a message: at most 64 characters, `…` marking a cut.
    static func shown(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }

    /// A value for a message: a number's literal, else its type.
    static func described(_ value: JSONValue) -> String {
        if case .number(let number) = value { return shown(number.literal) }
        return value.typeName
    }
}
