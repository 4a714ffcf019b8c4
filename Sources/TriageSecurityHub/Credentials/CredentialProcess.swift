import Foundation
import Synchronization

/// A profile's `credential_process`: the command split as botocore splits it (`shlex.split`, POSIX rules), run
/// without a shell, its stdout the JSON `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
/// "Expiration"?, "AccountId"?}`. A non-zero exit fails with the first line of stderr; stdout is never shown.
package struct CredentialProcess: Sendable, Equatable, CustomStringConvertible {
    /// The command line as configured.
    package var command: String
    /// The profile that configured it.
    package var profile: String

    /// The command of `profile`.
    package init(command: String, profile: String) {
        self.command = command
        self.profile = profile
    }

    /// The profile only (a command line may hold something private).
    package var description: String { "CredentialProcess(profile: \(profile))" }

    /// Runs the command with `environment`'s variables (and its `PATH` to find the program).
    package func fetch(environment: CredentialEnvironment) throws(SecurityHubError) -> AWSCredentials {
        let arguments = try Self.split(command)
        guard let program = arguments.first else {
            throw SecurityHubError(.invalidConfiguration, "profile \(profile): credential_process is empty")
        }
        guard let executable = Self.locate(program, path: environment.variables["PATH"]) else {
            throw SecurityHubError(
                .invalidConfiguration, "profile \(profile): credential_process program \(program) was not found")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment.variables
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw SecurityHubError(
                .retrievalFailed, "profile \(profile): credential_process \(program) could not start")
        }
        // Read stderr on another thread so that neither pipe can fill up and stall the process.
        let stderrBox = PipeContents()
        let readingErrors = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderrBox.store(errors.fileHandleForReading.readDataToEndOfFile())
            readingErrors.signal()
        }
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        readingErrors.wait()
        process.waitUntilExit()
        let what = "profile \(profile): credential_process"
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let firstLine =
                String(decoding: stderrBox.data, as: UTF8.self).split(separator: "\n").first
                .map { String($0).trimmingWhitespace.prefix(300) } ?? ""
            let status =
                process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)"
                : "was killed by signal \(process.terminationStatus)"
            throw SecurityHubError(.retrievalFailed, "\(what) \(status)" + (firstLine.isEmpty ? "" : ": \(firstLine)"))
        }
        return try Self.credentials(Array(stdout), what: "\(what)'s output")
    }

    /// The credentials of the process's JSON output.
    package static func credentials(_ bytes: [UInt8], what: String) throws(SecurityHubError) -> AWSCredentials {
        let document = try CredentialDocument(bytes, what: what)
        guard try document.integer("Version") == 1 else {
            throw SecurityHubError(.retrievalFailed, "\(what): Version is not 1")
        }
        return AWSCredentials(
            accessKeyId: try document.requiredString("AccessKeyId"),
            secretAccessKey: try document.requiredString("SecretAccessKey"),
            sessionToken: try document.string("SessionToken"), expiration: try document.time("Expiration"),
            accountId: try document.string("AccountId"))
    }

    /// `shlex.split` in POSIX mode: whitespace separates words; `'…'` is literal; in `"…"` a backslash escapes
    /// `\`, `"`, `$`, `` ` `` and newline; elsewhere it escapes any character; `#` does not start a comment
    /// (botocore turns comments off).
    package static func split(_ command: String) throws(SecurityHubError) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var iterator = Array(command).makeIterator()
        func unterminated() -> SecurityHubError {
            SecurityHubError(.invalidConfiguration, "credential_process has an unterminated quote or escape")
        }
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw unterminated() }
                    if next == "'" { break }
                    word.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw unterminated() }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { throw unterminated() }
                        if !["\\", "\"", "$", "`", "\n"].contains(escaped) { word.append("\\") }
                        word.append(escaped)
                    } else {
                        word.append(next)
                    }
                }
            case "\\":
                guard let escaped = iterator.next() else { throw unterminated() }
                inWord = true
                word.append(escaped)
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The path of `program`: itself when it holds a `/`, else the first executable of that name in `path`.
    package static func locate(_ program: String, path: String?) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Bytes handed from the thread reading stderr to the waiting one.
private final class PipeContents: Sendable {
    /// The bytes read so far (set once).
    private let stored = Mutex(Data())

    func store(_ data: Data) { stored.withLock { $0 = data } }
    var data: Data { stored.withLock { $0 } }
}
