extension JSONValue {
    /// The value of the first member named `key` if this is an object; `nil` for other types or
    /// a missing key. Comparison is by Unicode canonical equivalence (Swift `String` equality).
    package subscript(key key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key {
            return member.value
        }
        return nil
    }

    /// The JSON type name for messages: "object", "array", "string", "number", "boolean" or "null".
    package var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
