import Foundation
import TriageTestSupport

/// The JUnit schemas of `Tests/Fixtures/ThirdParty/junit` and scratch directories, through `TestPaths`.
enum JUnitTestData {
    /// `Tests/Fixtures/ThirdParty/junit/schemas/<name>`.
    static func schema(_ name: String) -> String { TestPaths.testData("junit/schemas/\(name)").path }
    /// The strict windyroad schema.
    static var windyroad: String { schema("windyroad/JUnit.xsd") }
    /// The Jenkins xunit-plugin schema.
    static var jenkins: String { schema("jenkins-xunit-plugin/junit-10.xsd") }
    /// A new empty temporary directory.
    static func temporaryDirectory() throws -> URL { TestPaths.temporaryDirectory("junit") }
}
