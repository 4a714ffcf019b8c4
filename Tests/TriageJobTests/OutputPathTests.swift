import Foundation
import Testing
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Where `--report` and `--junit` write, with the real binary: symlinks keep pointing at fresh
/// reports, device nodes, FIFOs and `/dev/fd/N` are written in place, and no run (a closed pipe,
/// a full disk, SIGKILL) leaves a temporary file or a spool behind.
@Suite struct OutputPathTests {
    /// A directory holding `d.ndjson` with `count` valid decisions (about 90 bytes each).
    static func prepare(records count: Int = 3) throws -> URL {
        let directory = TestPaths.temporaryDirectory("output-path")
        var text = ""
        for index in 0..<count {
            text += #"{"Id":"finding-\#(index)","ProductArn":"arn:p","Workflow":{"Status":"RESOLVED"}}"# + "\n"
        }
        try text.write(to: directory.appendingPathComponent("d.ndjson"), atomically: false, encoding: .utf8)
        return directory
    }

    /// A fresh, empty `$TMPDIR` for the run, inside `directory`.
    static func temporaryDirectory(in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func temporaries(_ directory: URL) -> [String] {
        ScratchFileSystem.entries(directory).filter { $0.contains(".tmp-") }
    }

    @Test func symlinksKeepPointingAtFreshReports() throws {
        let directory = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let links = directory.appendingPathComponent("links")
        let targets = directory.appendingPathComponent("targets")
        for url in [links, targets] {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        let report = targets.appendingPathComponent("report.json")
        try "stale".write(to: report, atomically: false, encoding: .utf8)
        let manager = FileManager.default
        try manager.createSymbolicLink(
            atPath: links.appendingPathComponent("report.json").path, withDestinationPath: "../targets/report.json")
        // A chain ending in a dangling link: the file it names is created.
        try manager.createSymbolicLink(
            atPath: links.appendingPathComponent("mid.xml").path,
            withDestinationPath: targets.appendingPathComponent("junit.xml").path)
        try manager.createSymbolicLink(
            atPath: links.appendingPathComponent("junit.xml").path, withDestinationPath: "mid.xml")

        let run = try CommandRun.triage(
            ["validate", "d.ndjson", "--report", "links/report.json", "--junit", "links/junit.xml"],
            directory: directory)

        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            try manager.destinationOfSymbolicLink(atPath: links.appendingPathComponent("report.json").path)
                == "../targets/report.json")
        #expect(
            try manager.destinationOfSymbolicLink(atPath: links.appendingPathComponent("junit.xml").path) == "mid.xml")
        #expect(ScratchFileSystem.fileType(links.appendingPathComponent("mid.xml").path) == S_IFLNK)
        #expect(summary(try loadReport(report))["records"] as? Int == 3)
        expectValidJUnit(targets.appendingPathComponent("junit.xml"))
        #expect(Self.temporaries(links).isEmpty && Self.temporaries(targets).isEmpty)
    }

    @Test func deviceNodesStayDevices() throws {
        let directory = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["null-report", "null-junit"] {
            try ScratchFileSystem.makeCharacterDevice(directory.appendingPathComponent(name).path, major: 1, minor: 3)
        }
        let run = try CommandRun.triage(
            ["validate", "d.ndjson", "--report", "null-report", "--junit", "null-junit"], directory: directory)
        #expect(run.status == 0, "\(run.stderr)")
        for name in ["null-report", "null-junit"] {
            #expect(ScratchFileSystem.fileType(directory.appendingPathComponent(name).path) == S_IFCHR, "\(name)")
        }
        #expect(ScratchFileSystem.entries(directory) == ["d.ndjson", "null-junit", "null-report"])
    }

    @Test(arguments: ["report", "junit"])
    func fullDeviceIsAWriteError(kind: String) throws {
        let directory = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        try ScratchFileSystem.makeCharacterDevice(directory.appendingPathComponent("full").path, major: 1, minor: 7)
        let run = try CommandRun.triage(["validate", "d.ndjson", "--\(kind)", "full"], directory: directory)
        #expect(run.status == 2)
        #expect(
            run.stderr.hasSuffix("triage validate: error: full: write failed: No space left on device\n"),
            "\(run.stderr)")
        #expect(ScratchFileSystem.fileType(directory.appendingPathComponent("full").path) == S_IFCHR)
        #expect(ScratchFileSystem.entries(directory) == ["d.ndjson", "full"])
    }

    @Test func fifoReceivesTheReport() throws {
        let directory = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("report.fifo").path
        try ScratchFileSystem.makeFIFO(fifo)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }

        let run = try CommandRun.triage(["validate", "d.ndjson", "--report", "report.fifo"], directory: directory)

        #expect(run.status == 0, "\(run.stderr)")
        let bytes = ScratchFileSystem.drain(reader)
        let report = try JSONSerialization.jsonObject(with: bytes) as? [String: Any]
        #expect((report?["summary"] as? [String: Any])?["records"] as? Int == 3)
        #expect(ScratchFileSystem.fileType(fifo) == S_IFIFO)
    }

    @Test(arguments: ["/dev/fd/1", "link-to-stdout"])
    func standardOutputByPath(path: String) throws {
        let directory = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("link-to-stdout").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/stdout")

        let run = try CommandRun.triage(["validate", "d.ndjson", "--report", path], directory: directory)

        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect((report?["summary"] as? [String: Any])?["records"] as? Int == 3)
        #expect(ScratchFileSystem.fileType(link) == S_IFLNK)
        #expect(ScratchFileSystem.entries(directory) == ["d.ndjson", "link-to-stdout"])
    }

    @Test func closedPipeIsAnOutputErrorAndLeavesNothing() throws {
        let directory = try Self.prepare(records: 20_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let temporary = try Self.temporaryDirectory(in: directory)
        let script = #""$0" validate d.ndjson --report - --junit junit.xml | head -1 >/dev/null; exit ${PIPESTATUS[0]}"#
        let run = try CommandRun.run(
            URL(fileURLWithPath: "/bin/bash"), ["-c", script, TestPaths.triageBinary.path],
            environment: ["TMPDIR": temporary.path], directory: directory)

        #expect(run.status != 0 && run.status != 128 + SIGPIPE, "status \(run.status)")
        #expect(run.status == 2, "nothing was applied: \(run.stderr)")
        #expect(
            run.stderr.hasSuffix(
                "triage validate: error: standard output: write failed: Broken pipe\n"
                    + "triage validate: junit written to junit.xml\n"),
            "\(run.stderr)")
        #expect(ScratchFileSystem.entries(temporary).isEmpty)
        #expect(Self.temporaries(directory).isEmpty)
    }

    @Test(arguments: ["report", "junit"])
    func fullDiskKeepsTheOldReportAndNoTemporary(kind: String) throws {
        let directory = try Self.prepare(records: 2_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = try ScratchFileSystem.mountTmpfs(kilobytes: 64, in: directory)
        defer { ScratchFileSystem.unmount(disk) }
        let full = disk.appendingPathComponent("out")
        try "old".write(to: full, atomically: false, encoding: .utf8)
        let other = kind == "report" ? "--junit" : "--report"

        let run = try CommandRun.triage(
            ["validate", "d.ndjson", "--\(kind)", full.path, other, "other"], directory: directory)

        #expect(run.status == 2)
        #expect(
            run.stderr.contains("triage validate: error: \(full.path): write failed: No space left on device\n"),
            "\(run.stderr)")
        // The other report is written, and stderr says so.
        let otherKind = kind == "report" ? "junit" : "report"
        #expect(run.stderr.contains("triage validate: \(otherKind) written to other\n"), "\(run.stderr)")
        #expect(ScratchFileSystem.entries(disk) == ["out"])
        #expect(try String(contentsOf: full, encoding: .utf8) == "old")
        #expect(Self.temporaries(directory).isEmpty)
    }

    @Test func killedRunLeavesNothingInTheTemporaryDirectory() throws {
        let directory = try Self.prepare()
        defer { try? FileManager.default.removeItem(at: directory) }
        let temporary = try Self.temporaryDirectory(in: directory)
        let process = Process()
        process.executableURL = TestPaths.triageBinary
        process.arguments = ["validate", "-", "--format", "ndjson", "--report", "report.json", "--junit", "junit.xml"]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // A slow input: a pipe fed a little, then held open.
        let input = Pipe()
        process.standardInput = input
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let line = #"{"Id":"f","ProductArn":"p","Workflow":{"Status":"NEW"}}"# + "\n"
        input.fileHandleForWriting.write(Data(String(repeating: line, count: 50).utf8))

        // Wait until the run holds its spool open, then kill it mid-run.
        let deadline = Date().addingTimeInterval(20)
        var spoolOpen = false
        while !spoolOpen, Date() < deadline, process.isRunning {
            let descriptors = "/proc/\(process.processIdentifier)/fd"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? []
            spoolOpen = names.contains { name in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(descriptors)/\(name)"))?
                    .contains("triage-spool-") == true
            }
            if !spoolOpen { usleep(10_000) }
        }
        try #require(spoolOpen, "the run never opened its spool")
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()

        #expect(process.terminationReason == .uncaughtSignal)
        #expect(ScratchFileSystem.entries(temporary).isEmpty)
        #expect(ScratchFileSystem.entries(directory) == ["d.ndjson", "tmp"])
    }

    @Test func killedWhileWritingAReportLeavesNoTemporaryFile() throws {
        let directory = try Self.prepare(records: 200_000)
        defer { try? FileManager.default.removeItem(at: directory) }
        let temporary = try Self.temporaryDirectory(in: directory)
        let reports = directory.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        try "old".write(to: reports.appendingPathComponent("report.json"), atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = TestPaths.triageBinary
        process.arguments = ["validate", "d.ndjson", "--report", "reports/report.json", "--junit", "reports/junit.xml"]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": temporary.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Wait until a report is being written (a descriptor open in `reports`), then kill.
        let deadline = Date().addingTimeInterval(60)
        var writing = false
        while !writing, Date() < deadline, process.isRunning {
            let descriptors = "/proc/\(process.processIdentifier)/fd"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? []
            writing = names.contains { name in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(descriptors)/\(name)"))?
                    .hasPrefix(reports.path + "/") == true
            }
            if !writing { usleep(1_000) }
        }
        try #require(writing, "no report was ever open")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        #expect(process.terminationReason == .uncaughtSignal)
        #expect(ScratchFileSystem.entries(reports) == ["report.json"])
        #expect(try String(contentsOf: reports.appendingPathComponent("report.json"), encoding: .utf8) == "old")
        #expect(ScratchFileSystem.entries(temporary).isEmpty)
    }
}
