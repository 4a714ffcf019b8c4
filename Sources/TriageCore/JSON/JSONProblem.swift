/// The one wording of what is wrong with a member of a JSON document, used by every reader of
/// a checked JSON object (``JSONNode``, ``JSONObjectReader``): GetFindings requests, `triage serve`'s
/// config file and request bodies, and the credential sources' answers. It is the wording of the
/// decision records (`docs/contract.md`): `<path>: <problem>`, the problem a phrase that reads after
/// the member's name.
///
/// | problem | wording |
/// |---|---|
/// | wrong type | `Filters: must be an object, not array` |
/// | missing | `Findings: is required` |
/// | given twice | `Findings: is given twice` |
/// | unknown | `Workflw: is not a member of BatchUpdateFindingsRequest (did you mean Workflow?)`, or `(expected one of: a, b)` when none is near |
/// | not JSON | `is not valid JSON (byte 3: unexpected end of input)` |
package enum JSONProblem {
    /// `<path>: <problem>`, or the problem alone at the top of the document (empty path).
    package static func at(_ path: String, _ problem: String) -> String {
        path.isEmpty ? problem : "\(path): \(problem)"
    }

    /// `parent.name`, or `name` at the top of the document.
    package static func path(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : "\(parent).\(name)"
    }

    /// `must be <expected>, not <type of value>` (`must be a string, not number`).
    package static func mustBe(_ expected: String, not value: JSONValue) -> String {
        "must be \(expected), not \(value.typeName)"
    }

    /// A required member that is absent.
    package static let isRequired = "is required"

    /// A member name that appears twice in one object.
    package static let givenTwice = "is given twice"

    /// A member that `shape` does not have: `is not a member of <shape> (did you mean X?)`, or the
    /// members `shape` has when none is near `name`.
    package static func notAMember(_ name: String, of shape: String, allowed: [String]) -> String {
        "is not a member of \(shape) \(hint(for: name, among: allowed))"
    }

    /// An unknown member that is not named because it may be a secret (the object holds one): the
    /// object's members, and no hint (a hint would show what was written).
    package static func unnamedMember(allowed: [String]) -> String {
        "has an unknown member, not named in case it is a secret (expected one of: \(allowed.joined(separator: ", ")))"
    }

    /// `(did you mean X?)` for the candidate nearest to `name`, else `(expected one of: a, b)`.
    package static func hint(for name: String, among candidates: [String]) -> String {
        if let near = NameSuggestion.nearest(to: name, among: candidates) { return "(did you mean \(near)?)" }
        return "(expected one of: \(candidates.joined(separator: ", ")))"
    }

    /// A document that does not parse; `showingReason: false` gives the byte alone (a document
    /// that may hold a secret: the reason may quote one character of it).
    package static func notJSON(_ error: CoreError, showingReason: Bool = true) -> String {
        showingReason ? "is not valid JSON (\(error))" : "is not valid JSON (byte \((error.jsonOffset ?? 0) + 1))"
    }

    /// A number that is not an integer literal: `10.0 is not an integer`.
    package static func notAnInteger(_ number: JSONNumber) -> String {
        "\(shown(number.literal)) is not an integer"
    }

    /// A number too large for a `Double`: `1e999 is not a finite number`.
    package static func notFinite(_ number: JSONNumber) -> String {
        "\(shown(number.literal)) is not a finite number"
    }

    /// `text` for a message: at most 64 characters, `…` marking a cut.
    package static func shown(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(64)) + "…"
    }
}
