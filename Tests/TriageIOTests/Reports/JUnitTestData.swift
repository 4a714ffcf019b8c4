import Foundation

/// Locates `shared/testdata` and makes scratch directories for the JUnit report tests.
enum JUnitTestData {
    /// `shared/testdata/junit/schemas/<name>`: the package root is the directory of `Package.swift`
    /// above this file; `shared/` sits beside it (or beside one of its parents).
    static func schema(_ name: String, filePath: String = #filePath) -> String {
        var directory = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            precondition(directory.path != "/", "no Package.swift above \(filePath)")
            directory.deleteLastPathComponent()
        }
        repeat {
            directory.deleteLastPathComponent()
            let testdata = directory.appendingPathComponent("shared/testdata")
            if FileManager.default.fileExists(atPath: testdata.path) {
                return testdata.appendingPathComponent("junit/schemas/\(name)").path
            }
        } while directory.path != "/"
        preconditionFailure("no shared/testdata beside the package of \(filePath)")
    }

    /// The strict windyroad schema.
    static var windyroad: String { schema("windyroad/JUnit.xsd") }
    /// The Jenkins xunit-plugin schema.
    static var jenkins: String { schema("jenkins-xunit-plugin/junit-10.xsd") }

    /// A new empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
