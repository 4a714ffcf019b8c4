/// One value of a JSON document with its path (`credentials[1].policies[0]`, `Filters.Id[0]`), and
/// typed readers whose errors name that path in ``JSONProblem``'s wording. The error type is the
/// reader's (`Failure`): `failure` turns a whole message into it, so that each module keeps its
/// own error while every message reads alike.
package struct JSONNode<Failure: Error> {
    /// The value.
    package let value: JSONValue
    /// Where it is: members joined by `.`, array elements as `[index]`; empty for the document.
    package let path: String
    /// Makes the reader's error from a message (`<path>: <problem>`).
    package let failure: (String) -> Failure

    /// The node for `value` at `path`.
    package init(_ value: JSONValue, at path: String, failure: @escaping (String) -> Failure) {
        self.value = value
        self.path = path
        self.failure = failure
    }

    /// The document in `bytes`, which must be JSON (its top value of any type); `showingReason`
    /// as ``JSONProblem/notJSON(_:showingReason:)``.
    package static func document(
        _ bytes: [UInt8], showingReason: Bool = true, failure: @escaping (String) -> Failure
    ) throws(Failure) -> JSONNode {
        do {
            return JSONNode(try JSONParser.parse(bytes), at: "", failure: failure)
        } catch {
            throw failure(JSONProblem.notJSON(error, showingReason: showingReason))
        }
    }

    /// Another value of the same document, at `path`.
    package func node(_ value: JSONValue, at path: String) -> JSONNode {
        JSONNode(value, at: path, failure: failure)
    }

    /// An error about this node: `<path>: <problem>`.
    package func error(_ problem: String) -> Failure {
        failure(JSONProblem.at(path, problem))
    }

    /// An error for a value of the wrong type: `<path>: must be <expected>, not <type>`.
    package func typeError(_ expected: String) -> Failure {
        error(JSONProblem.mustBe(expected, not: value))
    }

    /// The object, its member names checked (``JSONObjectReader/init(_:shape:allowed:refused:holdsSecrets:nullIsAbsent:)``).
    package func object(
        shape: String? = nil, allowed: [String]? = nil, refused: [String: String] = [:], holdsSecrets: Bool = false,
        nullIsAbsent: Bool = false
    ) throws(Failure) -> JSONObjectReader<Failure> {
        try JSONObjectReader(
            self, shape: shape, allowed: allowed, refused: refused, holdsSecrets: holdsSecrets,
            nullIsAbsent: nullIsAbsent)
    }

    /// The elements, each with its `[index]` path.
    package func array() throws(Failure) -> [JSONNode] {
        guard case .array(let elements) = value else { throw typeError("an array") }
        return elements.enumerated().map { node($1, at: "\(path)[\($0)]") }
    }

    /// The string.
    package func string() throws(Failure) -> String {
        guard case .string(let text) = value else { throw typeError("a string") }
        return text
    }

    /// A string with at least one character.
    package func nonEmptyString() throws(Failure) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    /// The boolean.
    package func bool() throws(Failure) -> Bool {
        guard case .bool(let flag) = value else { throw typeError("a boolean") }
        return flag
    }

    /// The number, which must be finite as a `Double`.
    package func number() throws(Failure) -> Double {
        guard case .number(let number) = value else { throw typeError("a number") }
        guard number.doubleValue.isFinite else { throw error(JSONProblem.notFinite(number)) }
        return number.doubleValue
    }

    /// An integer literal (no fraction, no exponent) that fits in `Int`.
    package func integer() throws(Failure) -> Int {
        guard case .number(let number) = value else { throw typeError("an integer") }
        guard let integer = number.intValue else { throw error(JSONProblem.notAnInteger(number)) }
        return integer
    }
}
