/// A strict RFC 8259 JSON parser working on bytes (no Foundation).
///
/// Rejects comments, trailing commas, leading zeros, `NaN`/`Infinity`, single quotes, raw control
/// characters (< 0x20) in strings, escapes other than the standard ones, ill-formed UTF-8 in
/// strings (overlongs, encoded surrogates, > U+10FFFF, truncated sequences), `\u` escapes that
/// form a lone or reversed surrogate (no Swift `String` can hold them), any byte outside strings
/// that is not part of the grammar (NUL included), and a byte order mark (strip it before).
/// `\u0000` inside a string is fine. Any top-level value is allowed, as RFC 8259 says.
///
/// Nesting is limited by `maxDepth` (open arrays plus objects; default 512). The parser does not
/// recurse, so any limit is safe for the stack; memory grows with the nesting and the size of
/// the open containers only.
package enum JSONParser {
    /// Parses exactly one JSON text: whitespace may surround the value, nothing else may follow it.
    ///
    /// - Throws: ``CoreError`` at the first byte that breaks the grammar.
    package static func parse(
        _ bytes: UnsafeRawBufferPointer, maxDepth: Int = 512
    ) throws(CoreError) -> JSONValue {
        var scanner = JSONScanner(bytes: bytes, maxDepth: maxDepth)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw .invalidJSON(offset: 0, reason: "byte order mark not allowed")
        }
        let value = try scanner.readValue()
        scanner.skipWhitespace()
        guard scanner.position == bytes.count else {
            throw scanner.unexpected(at: scanner.position, expecting: "end of input after the value")
        }
        return value
    }

    /// Parses exactly one JSON text held in an array; see ``parse(_:maxDepth:)-(UnsafeRawBufferPointer,_)``.
    package static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws(CoreError) -> JSONValue {
        let result: Result<JSONValue, CoreError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(CoreError) -> JSONValue in try parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Validates one JSON value starting at `start` (leading whitespace allowed) without building
    /// it, and returns the offset just past its end (trailing whitespace is not consumed).
    ///
    /// For taking large documents apart by byte range, e.g. the elements of `{"Findings": [...]}`.
    /// A number ends at the first byte that cannot continue it or at the end of `bytes`, so a
    /// number cut off by the end of a partial buffer looks complete: keep numbers away from the end.
    /// - Precondition: `0 <= start <= bytes.count`.
    /// - Throws: ``CoreError`` (offsets relative to `bytes`, not to `start`).
    package static func valueEnd(
        in bytes: UnsafeRawBufferPointer, from start: Int, maxDepth: Int = 512
    ) throws(CoreError) -> Int {
        precondition(start >= 0 && start <= bytes.count, "start outside the buffer")
        var scanner = JSONScanner(bytes: bytes, position: start, maxDepth: maxDepth)
        try scanner.skipValue()
        return scanner.position
    }
}
