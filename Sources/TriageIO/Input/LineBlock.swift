/// Complete lines, stored contiguously.
package struct LineBlock: Sendable {
    /// The bytes of the lines; terminators and skipped oversized bytes may sit between spans.
    package var bytes: [UInt8]
    /// The lines in order, numbers consecutive.
    package var lines: [LineSpan]

    /// A block of `lines` over `bytes`.
    package init(bytes: [UInt8], lines: [LineSpan]) {
        self.bytes = bytes
        self.lines = lines
    }

    /// Calls `body` with the bytes of `line` (empty for an oversized line).
    package func withBytes<Result, Failure: Error>(
        of line: LineSpan, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> Result in
            try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[line.start..<line.end]))
        }
    }
}
