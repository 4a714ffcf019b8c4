#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fatal error while writing a JUnit report; the message is one line and names the file.
package struct JUnitWriterError: Error, CustomStringConvertible {
    /// What went wrong.
    package enum Code: String, Sendable {
        /// The file could not be created or truncated.
        case open
        /// Writing failed (disk full, I/O error); later calls report the same error.
        case write
        /// Closing the file failed (the last bytes may not have reached the disk).
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
}
