import Foundation
import TriageTestSupport

/// The shared third-party test data, through the one lookup in `TestPaths`.
enum CSVTestData {
    /// `shared/testdata`.
    static func sharedDirectory() -> URL { TestPaths.sharedTestData }
}
