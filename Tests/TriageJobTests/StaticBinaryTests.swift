import Foundation
import Testing
import TriageTestSupport

/// `jobs/check-static-binary`, which `jobs/test` runs on the binary `jobs/install` builds after
/// `swift test` (its comment there says why not here), fails a binary that needs the toolchain:
/// the debug binary built for the tests, linked dynamically against the Swift runtime, is refused
/// by every check, while the hiding itself is shown to work (the control passes).
@Suite struct StaticBinaryTests {
    func check(_ arguments: [String]) throws -> CommandRun {
        try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"),
            [TestPaths.packageRoot.appendingPathComponent("jobs/check-static-binary").path] + arguments,
            directory: TestPaths.packageRoot)
    }

    @Test func theDynamicallyLinkedTestBinaryFailsEveryCheck() throws {
        let binary = TestPaths.triageBinary.path
        let run = try check([binary, binary])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        for name in ["libraries", "stripped", "hidden"] {
            #expect(lines.contains { $0.hasPrefix("FAIL  \(name):") }, "\(run.stdout)")
        }
        #expect(lines.contains { $0.hasPrefix("FAIL  libraries: unexpected ") && $0.contains("libswiftCore.so") })
        #expect(run.stdout.contains("error while loading shared libraries"))
        #expect(lines.contains { $0.hasPrefix("ok    control:") }, "\(run.stdout)")
    }

    @Test func aMissingBinaryIsAUsageError() throws {
        let run = try check(["/nonexistent/triage"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("is not an executable"))
        #expect(try check([]).status == 2)
    }
}
