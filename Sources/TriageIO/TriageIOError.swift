import TriageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one error of TriageIO: an input that cannot be opened or read further (a gzip stream cut
/// short or corrupt) or named by an ambiguous argument, a CSV header that cannot be used, an ASFF
/// document that cannot be read further, a journal that cannot be read, a run lock held by another
/// run, or a report, spool, journal, lock or lane file that cannot be written. It carries a ``Code``, a one-line message, where there is one the file it
/// concerns (``path``, for outputs and JUnit reports) and the failed system call's `errno`, and
/// the error behind it.
///
/// Named `TriageIOError`, not `IOError`: NIO has a public `IOError`, and a file that imports both
/// would have to qualify every use.
///
/// Messages are one line and never hold data from an input (a record, a value): an input's
/// message names no path (the caller adds the location), an output's names the path as the user
/// gave it.
package struct TriageIOError: ModuleError {
    /// What kind of failure this is.
    package enum Code: Sendable, Equatable {
        /// An input could not be opened (missing, permission denied, a directory).
        case unreadable
        /// A gzip stream ended before its last member was complete.
        case truncatedGzip
        /// A gzip stream holds data zlib rejects (bad header, bad block, CRC or length mismatch).
        case corruptGzip
        /// The operating system or zlib failed while reading an opened input.
        case readFailed
        /// A CSV header with an unknown or repeated column, or without `Id`/`ProductArn`: fatal for
        /// the run.
        case invalidCSVHeader
        /// An ASFF document that cannot be read further (not JSON, cut short, unreadable); the
        /// message says what and at which byte.
        case unreadableFindings
        /// A command-line argument whose bytes cannot be told: several arguments with different
        /// bytes (`candidates`, in command-line order) read as its text, and not all of them are
        /// inputs (``InputPath/resolving(_:argumentBytes:)``).
        case ambiguousArgument(candidates: [[UInt8]])
        /// A journal that cannot be opened or read.
        case unreadableJournal
        /// A journal broken before its last entry; the message says what to do about it.
        case damagedJournal
        /// A run lock (``RunLock``) is held by another live process; its PID when the lock file
        /// names one.
        case lockHeld(pid: Int32?)
        /// A report, spool, journal, lock or lane file could not be written (or read back).
        case output
        /// The record spool read back is not what was written.
        case corruptSpool
        /// The JUnit report writer failed at this step.
        case junit(JUnitStep)
    }

    /// Where a JUnit report failed.
    package enum JUnitStep: String, Sendable {
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

    /// What kind of failure this is.
    package let code: Code
    /// One line saying what went wrong: `gzip stream is truncated`, `write failed: Broken pipe`,
    /// `the header has no Id column`. For an output or a JUnit report, without the file
    /// (``description`` puts ``path`` in front).
    package let message: String
    /// The file concerned, as the user named it (`-` is standard output), for ``Code/output`` and
    /// ``Code/junit(_:)``; nil for the other codes (their message names the file, or the caller
    /// adds the location).
    package let path: String?
    /// The `errno` of the failed system call, if one failed.
    package let systemError: Int32?
    /// The error behind this one, if any: the output error under a JUnit report's, the input
    /// error under an unreadable ASFF document's or journal's.
    package let underlying: (any Error)?

    /// An error of `code` saying `message`.
    package init(
        _ code: Code, _ message: String, path: String? = nil, systemError: Int32? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.path = path
        self.systemError = systemError
        self.underlying = underlying
    }

    /// Errors are equal when their code, message and path are.
    package static func == (lhs: TriageIOError, rhs: TriageIOError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.path == rhs.path
    }

    /// One line: `path: message` for an output (`standard output: write failed: Broken pipe`),
    /// `JUnit report path: message` for a JUnit report, the message otherwise.
    package var description: String {
        switch code {
        case .output: "\(Self.displayName(path ?? "")): \(message)"
        case .junit: "JUnit report \(path ?? ""): \(message)"
        default: message
        }
    }

    // MARK: Outputs

    /// An output error: `path` could not be written because of `reason` (e.g. `write failed:
    /// Broken pipe`).
    package init(path: String, reason: String, systemError: Int32? = nil) {
        self.init(.output, reason, path: path, systemError: systemError)
    }

    /// An output error for a failed system call: `what: <strerror(code)>`.
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

    /// This error as an output error of the file at `path`: itself when it is one, the output
    /// error under a JUnit report's (else the report's message), any other as its description.
    package func asOutputError(path: String) -> TriageIOError {
        switch code {
        case .output: self
        case .junit: underlying as? TriageIOError ?? TriageIOError(path: path, reason: message)
        default: TriageIOError(path: path, reason: description)
        }
    }

    // MARK: JUnit reports

    /// A JUnit report error at `step` for the report at `path`: `message`, then
    /// `: <strerror> (errno N)` when `systemError` is given.
    init(_ step: JUnitStep, path: String, _ message: String, systemError: Int32? = nil) {
        let text = systemError.map { "\(message): \(Self.text($0)) (errno \($0))" } ?? message
        self.init(.junit(step), text, path: path, systemError: systemError)
    }

    /// A JUnit report error at `step` caused by `output` (an ``Code/output`` error of the
    /// report's file): `message: <strerror> (errno N)`, or `message: <output's message>` when no
    /// system call failed.
    init(_ step: JUnitStep, _ message: String, output: TriageIOError) {
        let text =
            output.systemError.map { "\(message): \(Self.text($0)) (errno \($0))" } ?? "\(message): \(output.message)"
        self.init(.junit(step), text, path: output.path, systemError: output.systemError, underlying: output)
    }

    // MARK: Journals

    /// A journal broken before its last entry (`problem` names the path and the line), with what
    /// to do about it.
    package static func damagedJournal(_ problem: String) -> TriageIOError {
        TriageIOError(
            .damagedJournal,
            problem + "; the journal is damaged (two runs writing it at once can do that; a run now locks its "
                + "journal): move it aside and apply the same decisions without --resume: what it recorded is sent "
                + "again, which leaves the same values (a Note gets a new UpdatedAt)")
    }
}
