import ArgumentParser
import Foundation

/// `--store PATH`: the embedded SQLite findings store.
struct StoreOption: ParsableArguments {
    @Option(help: "The SQLite findings store (default: $TRIAGE_STORE, else findings.sqlite).")
    var store: String?

    /// The path to use.
    var path: String {
        if let store { return store }
        if let environment = ProcessInfo.processInfo.environment["TRIAGE_STORE"], !environment.isEmpty {
            return environment
        }
        return "findings.sqlite"
    }
}
