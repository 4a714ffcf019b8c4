import Foundation

/// Where tests find the package, its third-party test data and the built binary.
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

    /// The third-party test data kept in the repository, `Tests/Fixtures/ThirdParty`
    /// (origins and licenses in its `SOURCES.md`).
    package static let thirdPartyTestData: URL = {
        let directory = packageRoot.appendingPathComponent("Tests/Fixtures/ThirdParty")
        guard FileManager.default.fileExists(atPath: directory.path) else {
            fatalError("Tests/Fixtures/ThirdParty not found in \(packageRoot.path)")
        }
        return directory
    }()

    /// A file or folder of `Tests/Fixtures/ThirdParty`.
    package static func testData(_ relative: String) -> URL {
        thirdPartyTestData.appendingPathComponent(relative)
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
