#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report, spool or journal file could not be written.
package struct OutputError: Error, Sendable, CustomStringConvertible {
    /// The file concerned, as the user named it (`-` is standard output).
    package var path: String
    /// What failed, e.g. `write failed: Broken pipe`.
    package var reason: String
    /// The `errno` of the failed system call, if one failed.
    package var systemError: Int32?

    /// Creates an error.
    package init(path: String, reason: String, systemError: Int32? = nil) {
        self.path = path
        self.reason = reason
        self.systemError = systemError
    }

    /// An error for a failed system call: `what: <strerror(code)>`.
    package init(path: String, _ what: String, errno code: Int32) {
        self.init(path: path, reason: "\(what): \(Self.text(code))", systemError: code)
    }

    /// `-` as `standard output`, any other path as it is.
    package static func displayName(_ path: String) -> String {
        path == "-" ? "standard output" : path
    }

    /// The operating system's one-line text for `errno` value `code`.
    package static func text(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// `path: reason`, one line (`standard output: write failed: Broken pipe`).
    package var description: String { "\(Self.displayName(path)): \(reason)" }
}
