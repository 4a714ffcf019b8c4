import Foundation
import TriageTestSupport

/// The third-party test data, through the one lookup in `TestPaths`.
enum CSVTestData {
    /// `Tests/Fixtures/ThirdParty`.
    static func thirdPartyDirectory() -> URL { TestPaths.thirdPartyTestData }
}
