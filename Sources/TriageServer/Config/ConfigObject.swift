import TriageCore

/// An object of the config document whose member names have been checked: none given twice,
/// and, when the names are fixed, none unknown (`credentials[1].polices: unknown member (did you
/// mean policies?)`), so that a typo never silently drops a setting or a policy.
struct ConfigObject {
    /// The object's path (empty for the document).
    let path: String
    /// The members in document order, names unique.
    let members: [ConfigNode]
    /// The members' names, in document order.
    let names: [String]

    /// Checks `members` found at `path`: duplicates, names outside `allowed` (when given) and
    /// names in `refused` (name → why it is not supported) are errors. With `holdsSecrets`, an
    /// unknown name that is no near miss of an allowed one is not quoted: in the object that
    /// holds a secret, a stray name may be the secret itself.
    init(
        _ members: [JSONMember], at path: String, allowed: [String]?, refused: [String: String],
        holdsSecrets: Bool = false
    ) throws(ServeConfigError) {
        self.path = path
        var seen = Set<String>()
        var nodes: [ConfigNode] = []
        var names: [String] = []
        for member in members {
            let memberPath = Self.path(path, member.key)
            guard seen.insert(member.key).inserted else {
                throw ServeConfigError(at: memberPath, "given twice")
            }
            if let reason = refused[member.key] {
                throw ServeConfigError(at: memberPath, reason)
            }
            if let allowed, !allowed.contains(member.key) {
                if holdsSecrets, NameSuggestion.nearest(to: member.key, among: allowed) == nil {
                    throw ServeConfigError(
                        at: path,
                        "unknown member, not named in case it is a secret (expected one of: "
                            + "\(allowed.joined(separator: ", ")))")
                }
                throw ServeConfigError(at: memberPath, Self.unknownMemberProblem(member.key, allowed: allowed))
            }
            nodes.append(ConfigNode(member.value, at: memberPath))
            names.append(member.key)
        }
        self.members = nodes
        self.names = names
    }

    /// The member named `name`, nil when it is not given.
    subscript(_ name: String) -> ConfigNode? {
        names.firstIndex(of: name).map { members[$0] }
    }

    /// The member named `name`, or an error that it is missing.
    func required(_ name: String) throws(ServeConfigError) -> ConfigNode {
        guard let node = self[name] else { throw ServeConfigError(at: Self.path(path, name), "required") }
        return node
    }

    /// The members as (name, node) pairs, for objects whose names are data (account ids,
    /// operators, condition keys).
    var entries: [(name: String, node: ConfigNode)] {
        Array(zip(names, members))
    }

    /// `parent.name`, or `name` at the top.
    static func path(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : "\(parent).\(name)"
    }

    /// `unknown member (did you mean X?)`, or the list of members when none is near.
    static func unknownMemberProblem(_ name: String, allowed: [String]) -> String {
        unknownProblem("unknown member", name, candidates: allowed)
    }

    /// `<what> (did you mean X?)`, or `<what> (expected one of: a, b)` when no candidate is near.
    static func unknownProblem(_ what: String, _ name: String, candidates: [String]) -> String {
        if let hint = NameSuggestion.nearest(to: name, among: candidates) {
            return "\(what) (did you mean \(hint)?)"
        }
        return "\(what) (expected one of: \(candidates.joined(separator: ", ")))"
    }
}
