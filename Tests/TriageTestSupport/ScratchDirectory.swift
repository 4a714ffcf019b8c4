import Foundation

/// A temporary directory removed with everything in it when the last reference goes: for fixtures
/// that write stores of hundreds of megabytes, so that a full test run does not fill the disk.
///
/// Set `TRIAGE_KEEP_TEST_FILES=1` to keep them for inspection.
package final class ScratchDirectory: Sendable {
    /// The directory.
    package let url: URL

    /// A new empty directory named `label-<UUID>` under the temporary directory.
    package init(_ label: String) {
        url = TestPaths.temporaryDirectory(label)
    }

    deinit {
        if ProcessInfo.processInfo.environment["TRIAGE_KEEP_TEST_FILES"] == "1" { return }
        try? FileManager.default.removeItem(at: url)
    }
}
