/// Where the elements of one JSON array sit in a buffer, found without building values (the
/// values are validated, not decoded): for taking `{"Findings": [...]}` apart by byte range.
package enum JSONArrayLayout {
    /// The byte ranges of the elements of the array whose `[` is at `start`, without surrounding
    /// whitespace, in order.
    /// - Throws: ``CoreError`` when the bytes there are not a valid array.
    package static func elements(in bytes: UnsafeRawBufferPointer, arrayAt start: Int) throws(CoreError)
        -> [Range<Int>]
    {
        var index = JSONObjectLayout.skipWhitespace(bytes, from: start)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else {
            throw .invalidJSON(offset: index, reason: "expected an array")
        }
        index = JSONObjectLayout.skipWhitespace(bytes, from: index + 1)
        var ranges: [Range<Int>] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return ranges }
        while index < bytes.count {
            let end = try JSONParser.valueEnd(in: bytes, from: index)
            ranges.append(index..<end)
            index = JSONObjectLayout.skipWhitespace(bytes, from: end)
            guard index < bytes.count else { break }
            if bytes[index] == UInt8(ascii: "]") { return ranges }
            guard bytes[index] == UInt8(ascii: ",") else {
                throw .invalidJSON(offset: index, reason: "expected , or ] in an array")
            }
            index = JSONObjectLayout.skipWhitespace(bytes, from: index + 1)
        }
        throw .invalidJSON(offset: bytes.count, reason: "unterminated array")
    }
}
