/// The one reader of "a JSON object whose members must have given types": the members of one
/// object, their names checked (none given twice; none outside the allowed ones, when they are
/// fixed), with typed accessors whose errors name the member's path in ``JSONProblem``'s wording.
///
/// Used for GetFindings requests (``RequestObject``), `triage serve`'s config file and request
/// bodies, and the JSON answers of credential sources; each passes its own error type as
/// `Failure`.
package struct JSONObjectReader<Failure: Error> {
    /// The object itself (for errors about it as a whole).
    package let node: JSONNode<Failure>
    /// The members in document order, names unique (with `nullIsAbsent`, those whose value is
    /// `null` left out).
    package let members: [JSONNode<Failure>]
    /// The members' names, in document order.
    package let names: [String]

    /// Where the object sits, e.g. `Filters.WorkflowStatus[1]` (empty for the document).
    package var path: String { node.path }

    /// Checks `node` as an object: no member name twice, none in `refused` (name → why that member
    /// is not supported here), none outside `allowed` when given (`is not a member of <shape>`,
    /// `shape` by default the object's path). With `holdsSecrets`, an unknown name that is no near
    /// miss of an allowed one is not quoted: in an object that holds a secret, a stray name may be
    /// the secret itself. With `nullIsAbsent`, a member whose value is `null` counts as absent (as
    /// AWS's JSON protocols read it); otherwise `null` is a value of the wrong type wherever one is
    /// read.
    package init(
        _ node: JSONNode<Failure>, shape: String? = nil, allowed: [String]? = nil, refused: [String: String] = [:],
        holdsSecrets: Bool = false, nullIsAbsent: Bool = false
    ) throws(Failure) {
        guard case .object(let list) = node.value else { throw node.typeError("an object") }
        self.node = node
        let shape = shape ?? (node.path.isEmpty ? "the document" : node.path)
        var seen = Set<String>()
        var members: [JSONNode<Failure>] = []
        var names: [String] = []
        for member in list {
            let memberPath = JSONProblem.path(node.path, member.key)
            guard seen.insert(member.key).inserted else {
                throw node.failure(JSONProblem.at(memberPath, JSONProblem.givenTwice))
            }
            if let reason = refused[member.key] { throw node.failure(JSONProblem.at(memberPath, reason)) }
            if let allowed, !allowed.contains(member.key) {
                if holdsSecrets, NameSuggestion.nearest(to: member.key, among: allowed) == nil {
                    throw node.error(JSONProblem.unnamedMember(allowed: allowed))
                }
                throw node.failure(
                    JSONProblem.at(memberPath, JSONProblem.notAMember(member.key, of: shape, allowed: allowed)))
            }
            if nullIsAbsent, member.value == .null { continue }
            members.append(node.node(member.value, at: memberPath))
            names.append(member.key)
        }
        self.members = members
        self.names = names
    }

    /// Checks member `names` (of an object read without a tree: a scan gives its names only) as
    /// ``init(_:shape:allowed:refused:holdsSecrets:nullIsAbsent:)`` does: none twice, none outside
    /// `allowed`.
    package static func checkNames(
        _ names: [String], allowed: [String], shape: String, failure: (String) -> Failure
    ) throws(Failure) {
        var seen = Set<String>()
        for name in names {
            guard allowed.contains(name) else {
                throw failure(JSONProblem.at(name, JSONProblem.notAMember(name, of: shape, allowed: allowed)))
            }
            guard seen.insert(name).inserted else { throw failure(JSONProblem.at(name, JSONProblem.givenTwice)) }
        }
    }

    /// The path of member `name`.
    package func at(_ name: String) -> String { JSONProblem.path(path, name) }

    /// An error about member `name` (given or not).
    package func error(_ name: String, _ problem: String) -> Failure {
        node.failure(JSONProblem.at(at(name), problem))
    }

    /// The member named `name`, nil when it is not given.
    package func member(_ name: String) -> JSONNode<Failure>? {
        names.firstIndex(of: name).map { members[$0] }
    }

    /// The value of member `name`, nil when it is not given.
    package subscript(name: String) -> JSONValue? { member(name)?.value }

    /// The member named `name`, or the error that it is missing.
    package func required(_ name: String) throws(Failure) -> JSONNode<Failure> {
        guard let member = member(name) else { throw error(name, JSONProblem.isRequired) }
        return member
    }

    /// The members as (name, node) pairs, for objects whose names are data (account ids,
    /// operators, condition keys).
    package var entries: [(name: String, node: JSONNode<Failure>)] {
        Array(zip(names, members))
    }

    /// Whether any of `names` is given.
    package func hasAny(_ names: [String]) -> Bool { names.contains { member($0) != nil } }

    /// Member `name`; nil when absent and not `required`.
    private func present(_ name: String, required: Bool) throws(Failure) -> JSONNode<Failure>? {
        if required { return try self.required(name) }
        return member(name)
    }

    /// A string member.
    package func string(_ name: String, required: Bool) throws(Failure) -> String? {
        try present(name, required: required)?.string()
    }

    /// A string member with a non-whitespace character (the Security Hub model's `NonEmptyString`).
    package func text(_ name: String, required: Bool) throws(Failure) -> String? {
        guard let text = try string(name, required: required) else { return nil }
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw error(name, "must contain a non-whitespace character")
        }
        return text
    }

    /// A string member that must be one of `choices`.
    package func choice<Choice: RawRepresentable>(_ name: String, of choices: [Choice], required: Bool)
        throws(Failure) -> Choice? where Choice.RawValue == String
    {
        guard let text = try string(name, required: required) else { return nil }
        guard let choice = choices.first(where: { $0.rawValue == text }) else {
            throw error(
                name, "\(JSONProblem.shown(text)) is not one of \(choices.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    /// An integer member (an integer literal that fits in `Int`).
    package func integer(_ name: String, required: Bool) throws(Failure) -> Int? {
        try present(name, required: required)?.integer()
    }

    /// A finite number member.
    package func number(_ name: String, required: Bool = false) throws(Failure) -> Double? {
        try present(name, required: required)?.number()
    }

    /// A boolean member.
    package func boolean(_ name: String, required: Bool) throws(Failure) -> Bool? {
        try present(name, required: required)?.bool()
    }

    /// An array member's elements.
    package func list(_ name: String) throws(Failure) -> [JSONValue]? {
        guard let member = member(name) else { return nil }
        guard case .array(let elements) = member.value else { throw member.typeError("an array") }
        return elements
    }
}
