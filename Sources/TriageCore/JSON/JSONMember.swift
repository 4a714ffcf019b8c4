/// A JSON object member: key and value. Objects keep members in document order, and duplicate
/// keys are kept; the caller decides what a duplicate means.
package struct JSONMember: Sendable, Equatable {
    /// The member name, escapes decoded.
    package var key: String
    /// The member value.
    package var value: JSONValue

    /// A member with the given key and value.
    package init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
