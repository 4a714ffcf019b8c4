import TriageCore

/// One value of the config document with its path (`credentials[1].policies[0]`): TriageCore's
/// checked JSON reader (``JSONNode``) with ``ServerError`` (``ServerError/Code/config``) as its
/// error, so that every message names the member's path in the one wording of ``JSONProblem``.
/// `null` is a wrong type wherever a value is expected: a member is either given with its type or
/// left out. Errors never quote the value.
typealias ConfigNode = JSONNode<ServerError>

/// An object of the config document whose member names have been checked: none given twice,
/// and, when the names are fixed, none unknown (`credentials[1].polices: is not a member of
/// credentials[1] (did you mean policies?)`), so that a typo never silently drops a setting or a
/// policy.
typealias ConfigObject = JSONObjectReader<ServerError>

extension JSONNode where Failure == ServerError {
    /// The config document in `bytes`, which must be JSON.
    static func config(_ bytes: [UInt8]) throws(ServerError) -> ConfigNode {
        try document(bytes) { ServerError(.config, $0) }
    }

    /// The object, its members checked: none given twice, none outside `allowed` (when given), none
    /// in `refused` (name → why that IAM or AWS member is not supported here); with `holdsSecrets`,
    /// an unknown name that is no near miss is not quoted (it may be the secret itself).
    func object(
        allowed: [String]? = nil, refused: [String: String] = [:], holdsSecrets: Bool = false
    ) throws(ServerError) -> ConfigObject {
        try object(
            shape: path.isEmpty ? "the config" : path, allowed: allowed, refused: refused, holdsSecrets: holdsSecrets)
    }

    /// A finite number within `range` (an upper bound of `greatestFiniteMagnitude`: no upper bound).
    func number(in range: ClosedRange<Double>) throws(ServerError) -> Double {
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
    func integer(in range: ClosedRange<Int>) throws(ServerError) -> Int {
        guard case .number(let number) = value else { throw typeError("an integer") }
        guard let integer = number.intValue, range.contains(integer) else {
            throw error("must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    /// An AWS account id: exactly 12 ASCII digits.
    func accountId() throws(ServerError) -> String {
        let text = try string()
        guard Self.isAccountId(text) else { throw error("must be an account id of 12 digits") }
        return text
    }

    /// Whether `text` is exactly 12 ASCII digits.
    static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
    }

    /// IAM's "a string or a list of strings" (`Action`, `Resource`): the string itself, or the
    /// elements of a non-empty array, each still to be read as a string.
    func stringOrList() throws(ServerError) -> [ConfigNode] {
        switch value {
        case .string: return [self]
        case .array(let elements):
            guard !elements.isEmpty else { throw error("must not be an empty list") }
            return try array()
        default: throw typeError("a string or an array of strings")
        }
    }

    /// `<what> (did you mean X?)`, or `<what> (expected one of: a, b)` when no candidate is near.
    static func unknownProblem(_ what: String, _ name: String, candidates: [String]) -> String {
        "\(what) \(JSONProblem.hint(for: name, among: candidates))"
    }
}
