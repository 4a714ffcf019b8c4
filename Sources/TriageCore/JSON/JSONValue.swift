/// A parsed JSON value (RFC 8259), as built by ``JSONParser/parse(_:maxDepth:)-(UnsafeRawBufferPointer,_)``.
///
/// Objects keep their members in document order, duplicates included; numbers keep their literal.
/// Strings are always valid Unicode: a document with a lone surrogate escape is rejected by the parser.
package enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as written.
    case number(JSONNumber)
    /// A string with its escapes decoded.
    case string(String)
    /// An array, elements in document order.
    case array([JSONValue])
    /// An object, members in document order (duplicate keys kept).
    case object([JSONMember])
}
