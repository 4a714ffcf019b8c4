import ArgumentParser
import Foundation
import Logging
import TriageCore
import TriageJob

#if canImport(Glibc)
import Glibc
#endif

/// `triage`: applies security-finding triage decisions in bulk with the semantics of AWS Security
/// Hub's BatchUpdateFindings.
struct Triage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "Apply security-finding triage decisions in bulk (AWS Security Hub BatchUpdateFindings semantics).",
        discussion: """
            Exit status: 0 every record processed (or an empty --inbox); 1 at least one record failed; 2 nothing \
            applied because of a usage or set-up error; 3 interrupted by SIGINT/SIGTERM (run again with --resume; \
            an inbox resumes by itself); 4 decisions applied, but the journal or a report could not be written; \
            5 the target failed the run (credentials refused, endpoint unreachable or failing): fix the cause, \
            then --resume sends what was left.
            """,
        version: "triage 0.5.0",
        subcommands: [
            ApplyCommand.self, ValidateCommand.self, ImportCommand.self, ExportCommand.self, ReportCommand.self,
            GenerateCommand.self, ServeCommand.self,
        ])
}

/// The entry point: parses, runs, and decides the exit status once (`docs/contract.md`).
@main
enum TriageMain {
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        RemoteObjectWiring.install()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            // TRIAGE_LOG_LEVEL=debug logs every request (never a secret, token or signature).
            let level = ProcessInfo.processInfo.environment["TRIAGE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            handler.logLevel = level ?? .info
            return handler
        }
        let command: ParsableCommand
        do {
            command = try Triage.parseAsRoot()
        } catch {
            let status = Triage.exitCode(for: error)
            if status == .success { Triage.exit(withError: error) }  // --help, --version
            StandardError.print(Triage.fullMessage(for: error))
            exit(ExitStatus.notDone.rawValue)
        }
        do {
            var command = command
            try command.run()
        } catch let status as ExitCode {
            exit(status.rawValue)
        } catch let error as JobError {
            StandardError.print("triage: error: \(error.message)")
            exit(ExitStatus.notDone.rawValue)
        } catch let error as CoreError where error.code == .targetUnavailable {
            StandardError.print("triage: error: \(error.message)")
            exit(ExitStatus.notDone.rawValue)
        } catch {
            let status = Triage.exitCode(for: error)
            if status == .success { Triage.exit(withError: error) }
            StandardError.print(Triage.fullMessage(for: error))
            exit(ExitStatus.notDone.rawValue)
        }
    }
}
