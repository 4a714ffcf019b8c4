/// The members of one JSON object of a GetFindings request: the one checked-object reader
/// (``JSONObjectReader``) with ``CoreError`` (``CoreError/Code/invalidQuery``) as its error, so that every message names the
/// member's path (`Filters.WorkflowStatus[1].Comparison`) in ``JSONProblem``'s wording. *Choice*:
/// a member whose value is `null` counts as absent (as AWS's JSON protocols treat it).
typealias RequestObject = JSONObjectReader<CoreError>

extension JSONObjectReader where Failure == CoreError {
    /// Checks `value`, found at `path`, as an object whose members are among `allowed`.
    init(_ value: JSONValue, path: String, allowed: [String]) throws(CoreError) {
        try self.init(
            JSONNode(value, at: path, failure: CoreError.invalidQuery), shape: Self.shape(path), allowed: allowed,
            nullIsAbsent: true)
    }

    /// Checks `list` as the members of the object at `path`, among `allowed`.
    init(members list: [JSONMember], path: String, allowed: [String]) throws(CoreError) {
        try self.init(.object(list), path: path, allowed: allowed)
    }

    /// What an unknown member is not a member of: the request at the top, else the object's path.
    private static func shape(_ path: String) -> String {
        path.isEmpty ? "GetFindingsRequest" : path
    }

    /// `text` for a message: at most 64 characters, `…` marking a cut.
    static func shown(_ text: String) -> String { JSONProblem.shown(text) }
}
