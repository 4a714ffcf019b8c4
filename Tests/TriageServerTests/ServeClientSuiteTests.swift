import Foundation
import Testing
import TriageTestSupport

/// The boto3 and AWS CLI suite (`Tests/clients/test_serve*.py`): unmodified clients drive a
/// real `triage serve`. `jobs/ensure-deps` installs boto3 and the AWS CLI when they are missing.
@Suite struct ServeClientSuiteTests {
    @Test func unmodifiedBoto3AndTheAWSCLIDriveTheServer() throws {
        let clients = TestPaths.packageRoot.appendingPathComponent("Tests/clients")
        let run = try CommandRun.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-m", "unittest", "discover", "-v", "-s", ".", "-p", "test_serve*.py"],
            environment: ["TRIAGE_BIN": TestPaths.triageBinary.path, "PYTHONDONTWRITEBYTECODE": "1"],
            directory: clients)
        #expect(run.status == 0, "the client suite failed:\n\(run.stderr)\n\(run.stdout)")
        // The suite ran its tests (a suite that finds no test must not pass).
        #expect(run.stderr.contains("Ran "), "\(run.stderr)")
        #expect(!run.stderr.contains("Ran 0 tests"), "\(run.stderr)")
    }
}
