import Foundation

/// Locates the shared third-party test data (`shared/testdata` beside the package root).
enum CSVTestData {
    /// `<package root>/../shared/testdata`, found by walking up from this file to `Package.swift`.
    static func sharedDirectory(file: String = #filePath) -> URL {
        var directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            let parent = directory.deletingLastPathComponent()
            precondition(parent.path != directory.path, "no Package.swift above \(file)")
            directory = parent
        }
        return directory.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }
}
