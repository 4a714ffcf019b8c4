import Foundation
import Testing
import TriageTestSupport

/// Set-up errors of `apply`: exit status 2, one clear line on stderr, nothing applied.
@Suite struct ApplySetupErrorTests {
    static let decision = #"{"Id":"a","ProductArn":"p","Workflow":{"Status":"RESOLVED"}}"# + "\n"

    func prepare() throws -> URL {
        let directory = TestPaths.temporaryDirectory("setup")
        try Self.decision.write(to: directory.appendingPathComponent("d.ndjson"), atomically: true, encoding: .utf8)
        let imported = try CommandRun.triage(
            [
                "import", TestPaths.packageRoot.appendingPathComponent("samples/findings.ndjson.gz").path, "--store",
                "s.sqlite",
            ],
            directory: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        return directory
    }

    func expectSetUpError(_ run: CommandRun, mentions text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 2, "\(run.stderr)", sourceLocation: sourceLocation)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(text), "\(run.stderr)", sourceLocation: sourceLocation)
    }

    /// A `--region` that is no Region name is a usage error before anything is read or sent
    /// (it used to pass the option check and then fail every record, exit status 1).
    @Test(arguments: ["US-EAST-1", "us_east_1", "us-east-1-", "eu west 1"])
    func aRegionThatIsNoRegionNameIsAUsageError(_ region: String) throws {
        let directory = try prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CommandRun.triage(
            [
                "apply", "d.ndjson", "--target", "securityhub", "--endpoint-url", "http://127.0.0.1:9", "--region",
                region, "--report", "r.json",
            ],
            environment: ["AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"], directory: directory)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--region '\(region)' is not a Region name"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.json").path))
    }

    @Test func missingStore() throws {
        let directory = try prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CommandRun.triage(
            ["apply", "d.ndjson", "--store", "missing.sqlite", "--report", "r.json"], directory: directory)
        expectSetUpError(run, mentions: "no findings store at missing.sqlite")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.json").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing.sqlite").path))
    }

    @Test func storePathIsADirectoryOrNotAStore() throws {
        let directory = try prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        expectSetUpError(
            try CommandRun.triage(["apply", "d.ndjson", "--store", "."], directory: directory),
            mentions: "not a findings store")
        try "not sqlite at all".write(
            to: directory.appendingPathComponent("junk.sqlite"), atomically: true, encoding: .utf8)
        expectSetUpError(
            try CommandRun.triage(["apply", "d.ndjson", "--store", "junk.sqlite"], directory: directory),
            mentions: "junk.sqlite")
    }

    @Test func readOnlyStoreAppliesNothing() throws {
        let directory = try prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try CommandRun.triage(["export", "--store", "s.sqlite"], directory: directory).stdout
        let store = directory.appendingPathComponent("s.sqlite").path
        // File modes do not bind root (CI runs as root): make the file and its directory
        // immutable instead, which binds everyone.
        let chattr = URL(fileURLWithPath: "/usr/bin/chattr")
        if getuid() == 0 {
            #expect(try CommandRun.run(chattr, ["+i", store]).status == 0)
            #expect(try CommandRun.run(chattr, ["+i", directory.path]).status == 0)
        } else {
            chmod(store, 0o444)
            chmod(directory.path, 0o555)
        }
        let run = try CommandRun.triage(["apply", "d.ndjson", "--store", "s.sqlite"], directory: directory)
        if getuid() == 0 {
            _ = try CommandRun.run(chattr, ["-i", directory.path])
            _ = try CommandRun.run(chattr, ["-i", store])
        } else {
            chmod(directory.path, 0o755)
            chmod(store, 0o644)
        }
        expectSetUpError(run, mentions: "store s.sqlite is read-only")
        #expect(try CommandRun.triage(["export", "--store", "s.sqlite"], directory: directory).stdout == before)
    }

    @Test func missingInput() throws {
        let directory = try prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try CommandRun.triage(["export", "--store", "s.sqlite"], directory: directory).stdout
        let run = try CommandRun.triage(
            ["apply", "d.ndjson", "nowhere.ndjson", "--store", "s.sqlite", "--report", "r.json"], directory: directory)
        expectSetUpError(run, mentions: "nowhere.ndjson")
        #expect(try CommandRun.triage(["export", "--store", "s.sqlite"], directory: directory).stdout == before)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.json").path))
    }
}
