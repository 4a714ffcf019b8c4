import Foundation

/// Where tests find the package, the shared third-party test data and the built binary.
package enum TestPaths {
    /// The directory holding `Package.swift`.
    package static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `shared/testdata` beside the repository (CI clones the repo with `shared/` next to it).
    package static let sharedTestData: URL = {
        var directory = packageRoot
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("../shared/testdata").standardized
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let inside = directory.appendingPathComponent("shared/testdata")
            if FileManager.default.fileExists(atPath: inside.path) { return inside }
            directory.deleteLastPathComponent()
        }
        fatalError("shared/testdata not found beside \(packageRoot.path)")
    }()

    /// A file or folder of `shared/testdata`.
    package static func testData(_ relative: String) -> URL {
        sharedTestData.appendingPathComponent(relative)
    }

    /// The `triage` executable built with the tests (beside the test bundle).
    package static let triageBinary: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("triage")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        let fallback = packageRoot.appendingPathComponent(".build/debug/triage")
        return fallback
    }()

    /// A new empty temporary directory, removed by the caller (or left for inspection on failure).
    package static func temporaryDirectory(_ label: String = "triage-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
