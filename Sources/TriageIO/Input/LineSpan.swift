/// One physical line in a block: bytes [start, end) of `LineBlock.bytes`, without its "\n" or "\r\n".
package struct LineSpan: Sendable, Equatable {
    /// Offset of the first byte in `LineBlock.bytes`.
    package var start: Int
    /// Offset just past the last byte (before the "\r\n" or "\n"); `start == end` for a blank or oversized line.
    package var end: Int
    /// The physical line number, 1-based, counting blank and oversized lines.
    package var number: Int
    /// Set when the line exceeded the limit: then `start == end` and the bytes were skipped. The line's length in
    /// bytes without its terminator.
    package var oversizedLength: Int?

    /// A span of `bytes[start..<end]` for line `number`.
    package init(start: Int, end: Int, number: Int, oversizedLength: Int? = nil) {
        self.start = start
        self.end = end
        self.number = number
        self.oversizedLength = oversizedLength
    }

    /// The line's length in bytes without its terminator (`oversizedLength` for an oversized line).
    package var length: Int { oversizedLength ?? (end - start) }
}
