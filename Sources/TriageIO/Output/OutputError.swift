/// A report, spool or journal file could not be written.
package struct OutputError: Error, Sendable, CustomStringConvertible {
    /// The file concerned.
    package var path: String
    /// What failed, e.g. `cannot create: Permission denied`.
    package var reason: String

    /// Creates an error.
    package init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    package var description: String { "\(path): \(reason)" }
}
