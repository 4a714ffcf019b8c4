/// Why and where a JSON text was rejected.
///
/// `description` is `byte N: reason` with N 1-based (for people); ``offset`` stays 0-based. The
/// reason quotes at most one character of the input, so it never leaks document content.
package struct JSONParseError: Error, Equatable, CustomStringConvertible {
    /// 0-based byte offset of the problem: the offending byte, the opening quote of an
    /// unterminated string, the backslash of a bad escape, the first byte of an ill-formed UTF-8
    /// sequence, the bracket that nests too deep, or the input length at an unexpected end.
    package var offset: Int
    /// A short English reason, e.g. "unexpected character 'x' (expected a value)",
    /// "unterminated string", "invalid UTF-8", "nesting deeper than 512".
    package var reason: String

    /// An error at `offset` (0-based) for `reason`.
    package init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `byte <offset + 1>: <reason>`.
    package var description: String { "byte \(offset + 1): \(reason)" }
}
