import TriageCore

/// One value of the config document with its path (`credentials[1].policies[0]`), and typed
/// readers whose errors name that path. `null` is a wrong type wherever a value is expected: a
/// member is either given with its type or left out. Errors never quote the value.
struct ConfigNode {
    /// The value.
    let value: JSONValue
    /// Where it is: members joined by `.`, array elements as `[index]`; empty for the document.
    let path: String

    /// The node for `value` at `path`.
    init(_ value: JSONValue, at path: String) {
        self.value = value
        self.path = path
    }

    /// An error about this node.
    func error(_ problem: String) -> ServeConfigError {
        ServeConfigError(at: path, problem)
    }

    /// An error for a value of the wrong type: `expected <expected>, got <type>`.
    func typeError(_ expected: String) -> ServeConfigError {
        error("expected \(expected), got \(value.typeName)")
    }

    /// The object, its members checked: no name twice, none outside `allowed` (when given),
    /// none in `refused` (name → why that IAM or AWS member is not supported here); see
    /// `ConfigObject` for `holdsSecrets`.
    func object(
        allowed: [String]? = nil, refused: [String: String] = [:], holdsSecrets: Bool = false
    ) throws(ServeConfigError) -> ConfigObject {
        guard case .object(let members) = value else { throw typeError("an object") }
        return try ConfigObject(members, at: path, allowed: allowed, refused: refused, holdsSecrets: holdsSecrets)
    }

    /// The elements, each with its `[index]` path.
    func array() throws(ServeConfigError) -> [ConfigNode] {
        guard case .array(let elements) = value else { throw typeError("an array") }
        return elements.enumerated().map { ConfigNode($1, at: "\(path)[\($0)]") }
    }

    /// The string.
    func string() throws(ServeConfigError) -> String {
        guard case .string(let text) = value else { throw typeError("a string") }
        return text
    }

    /// A string with at least one character.
    func nonEmptyString() throws(ServeConfigError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw error("must not be empty") }
        return text
    }

    /// The boolean.
    func bool() throws(ServeConfigError) -> Bool {
        guard case .bool(let flag) = value else { throw typeError("true or false") }
        return flag
    }

    /// A finite number within `range` (an upper bound of `greatestFiniteMagnitude`: no upper bound).
    func number(in range: ClosedRange<Double>) throws(ServeConfigError) -> Double {
        guard case .number(let number) = value else { throw typeError("a number") }
        let double = number.doubleValue
        guard double.isFinite, range.contains(double) else {
            let lower = JSONText.formatNumber(range.lowerBound)
            if range.upperBound == .greatestFiniteMagnitude {
                throw error("must be a finite number of at least \(lower)")
            }
            throw error("must be a number from \(lower) to \(JSONText.formatNumber(range.upperBound))")
        }
        return double
    }

    /// An integer literal (no fraction, no exponent) within `range`.
    func integer(in range: ClosedRange<Int>) throws(ServeConfigError) -> Int {
        guard case .number(let number) = value else { throw typeError("an integer") }
        guard let integer = number.intValue, range.contains(integer) else {
            throw error("must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    /// An AWS account id: exactly 12 ASCII digits.
    func accountId() throws(ServeConfigError) -> String {
        let text = try string()
        guard Self.isAccountId(text) else { throw error("must be an account id of 12 digits") }
        return text
    }

    /// Whether `text` is exactly 12 ASCII digits.
    static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
    }
}

extension ConfigNode {
    /// IAM's "a string or a list of strings" (`Action`, `Resource`): the string itself, or the
    /// elements of a non-empty array, each still to be read as a string.
    func stringOrList() throws(ServeConfigError) -> [ConfigNode] {
        switch value {
        case .string: return [self]
        case .array(let elements):
            guard !elements.isEmpty else { throw error("must not be an empty list") }
            return try array()
        default: throw typeError("a string or an array of strings")
        }
    }
}
