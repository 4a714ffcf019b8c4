#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fatal error while writing a JUnit report; the message is one line and names the file.
package struct JUnitWriterError: Error, CustomStringConvertible {
    /// What went wrong.
    package enum Code: String, Sendable {
        /// The file could not be opened or its temporary file created.
        case open
        /// Writing failed (disk full, I/O error); later calls report the same error.
        case write
        /// Closing, syncing or renaming the file into place failed (the last bytes may not have
        /// reached the disk).
        case close
        /// libxml2's writer refused a call (out of memory).
        case libxml
        /// The calls came in the wrong order (a programming error), e.g. `testCase` outside a suite.
        case misuse
        /// A suite attribute the caller formats is invalid (the `timestamp`).
        case invalidSuite
    }

    /// What went wrong.
    package var code: Code
    /// The report file.
    package var path: String
    /// A one-line explanation.
    package var message: String
    /// The `errno` of a failed system call, if any.
    package var systemError: Int32?
    /// The output's own error, for `.open`, `.write` and `.close`: the path as named and the
    /// reason (`write failed: No space left on device`), as every other output reports it.
    package var output: OutputError?

    /// `JUnit report PATH: MESSAGE`.
    package var description: String { "JUnit report \(path): \(message)" }

    init(_ code: Code, path: String, _ message: String, systemError: Int32? = nil) {
        self.code = code
        self.path = path
        self.systemError = systemError
        if let systemError {
            self.message = "\(message): \(String(cString: strerror(systemError))) (errno \(systemError))"
        } else {
            self.message = message
        }
    }

    /// An output failure as code `code`, described as `message: <strerror> (errno N)`.
    init(_ code: Code, _ message: String, output: OutputError) {
        self.init(code, path: output.path, message, systemError: output.systemError)
        if output.systemError == nil { self.message = "\(message): \(output.reason)" }
        self.output = output
    }
}
