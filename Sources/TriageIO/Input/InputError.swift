/// Why an input could not be read (further).
///
/// The message is one line without the path or any data from the input; the caller adds the location.
package struct InputError: Error, Sendable, CustomStringConvertible {
    /// The broad reason, for exit codes and report codes.
    package enum Kind: Sendable {
        /// The input could not be opened (missing, permission denied, a directory).
        case unreadable
        /// A gzip stream ended before its last member was complete.
        case truncatedGzip
        /// A gzip stream holds data zlib rejects (bad header, bad block, CRC or length mismatch).
        case corruptGzip
        /// The operating system or zlib failed while reading an opened input.
        case readFailed
    }

    /// The broad reason.
    package var kind: Kind
    /// One line, e.g. "gzip stream is truncated" or "cannot open: No such file or directory".
    package var message: String

    /// Makes an error of `kind` with a one-line `message`.
    package init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
