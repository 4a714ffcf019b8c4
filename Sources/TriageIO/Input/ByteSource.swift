/// A source of bytes: a file, stdin, or a decompressor over another source. Not thread-safe; one reader.
package protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 only at the end of the input.
    ///
    /// May return fewer bytes than asked for. After an error, later calls throw again or return 0.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TriageIOError) -> Int
}
