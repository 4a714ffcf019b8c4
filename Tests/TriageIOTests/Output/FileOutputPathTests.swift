import Foundation
import Testing
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What ``FileOutput`` does to the path it is given: a regular file (or none) is replaced
/// atomically where a symlink chain ends, anything else is written in place; no temporary file
/// outlives the output.
@Suite("FileOutput paths")
struct FileOutputPathTests {
    /// Writes `text` through a new atomic ``FileOutput`` at `path` and commits it.
    static func publish(_ text: String, at path: String) throws {
        let output = try FileOutput(path: path)
        try output.write(text)
        try output.commit()
    }

    /// Names in `directory` that look like an output's temporary file.
    static func temporaries(_ directory: URL) -> [String] {
        ScratchFileSystem.entries(directory).filter { $0.contains(".tmp-") }
    }

    @Test("a symlink chain keeps pointing at its target, which gets the new bytes")
    func symlinkChain() throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let links = root.appendingPathComponent("links")
        let targets = root.appendingPathComponent("targets")
        for directory in [links, targets] {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        let target = targets.appendingPathComponent("report.json")
        try "old".write(to: target, atomically: false, encoding: .utf8)
        let last = links.appendingPathComponent("last.json")
        let first = links.appendingPathComponent("first.json")
        try FileManager.default.createSymbolicLink(atPath: last.path, withDestinationPath: "../targets/report.json")
        try FileManager.default.createSymbolicLink(atPath: first.path, withDestinationPath: "last.json")

        try Self.publish("new", at: first.path)

        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: first.path) == "last.json")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: last.path) == "../targets/report.json")
        #expect(ScratchFileSystem.fileType(target.path) == S_IFREG)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(Self.temporaries(links).isEmpty && Self.temporaries(targets).isEmpty)
    }

    @Test("a dangling symlink creates the file it names and stays a symlink")
    func danglingSymlink() throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let link = root.appendingPathComponent("junit.xml")
        let named = elsewhere.appendingPathComponent("fresh.xml")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: named.path)

        try Self.publish("<x/>", at: link.path)

        #expect(ScratchFileSystem.fileType(link.path) == S_IFLNK)
        #expect(try String(contentsOf: named, encoding: .utf8) == "<x/>")
        #expect(Self.temporaries(root).isEmpty && Self.temporaries(elsewhere).isEmpty)
    }

    @Test("a device node is written in place and stays a device; fsync on it is no error", arguments: [true, false])
    func deviceNode(atomic: Bool) throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let node = root.appendingPathComponent("null").path
        try ScratchFileSystem.makeCharacterDevice(node, major: 1, minor: 3)

        let output = try FileOutput(path: node, atomic: atomic)
        try output.write("bytes nobody keeps")
        try output.sync()
        try output.commit()

        #expect(ScratchFileSystem.fileType(node) == S_IFCHR)
        #expect(ScratchFileSystem.entries(root) == ["null"])
    }

    @Test("a full device is a write error naming the path, and the node stays")
    func fullDevice() throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let node = root.appendingPathComponent("full").path
        try ScratchFileSystem.makeCharacterDevice(node, major: 1, minor: 7)
        let output = try FileOutput(path: node)
        try output.write("x")
        var failure: TriageIOError?
        do throws(TriageIOError) {
            try output.commit()
        } catch {
            failure = error
        }
        #expect(failure?.description == "\(node): write failed: No space left on device")
        output.discard()
        #expect(ScratchFileSystem.fileType(node) == S_IFCHR)
        #expect(ScratchFileSystem.entries(root) == ["full"])
    }

    @Test("a FIFO gets the bytes through itself and stays a FIFO")
    func fifo() throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let fifo = root.appendingPathComponent("fifo").path
        try ScratchFileSystem.makeFIFO(fifo)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }

        try Self.publish("through the pipe\n", at: fifo)

        #expect(String(decoding: ScratchFileSystem.drain(reader), as: UTF8.self) == "through the pipe\n")
        #expect(ScratchFileSystem.fileType(fifo) == S_IFIFO)
        #expect(ScratchFileSystem.entries(root) == ["fifo"])
    }

    @Test("a FIFO whose reader went away is a write error: Broken pipe, naming the path")
    func brokenPipe() throws {
        signal(SIGPIPE, SIG_IGN)
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let fifo = root.appendingPathComponent("fifo").path
        try ScratchFileSystem.makeFIFO(fifo)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        let output = try FileOutput(path: fifo)
        close(reader)
        try output.write("nobody reads this")
        var failure: TriageIOError?
        do throws(TriageIOError) {
            try output.commit()
        } catch {
            failure = error
        }
        #expect(failure?.description == "\(fifo): write failed: Broken pipe")
        output.discard()
        #expect(ScratchFileSystem.fileType(fifo) == S_IFIFO)
    }

    @Test("standard output is named as such in errors")
    func standardOutputName() {
        #expect(
            TriageIOError(path: "-", reason: "write failed: Broken pipe").description
                == "standard output: write failed: Broken pipe")
    }

    @Test("a full disk fails the write, keeps the old file, and the dropped output leaves no temporary")
    func fullDisk() throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let disk = try ScratchFileSystem.mountTmpfs(kilobytes: 64, in: root)
        defer { ScratchFileSystem.unmount(disk) }
        let report = disk.appendingPathComponent("report.json")
        try "old".write(to: report, atomically: false, encoding: .utf8)

        var failure: TriageIOError?
        do throws(TriageIOError) {
            let output = try FileOutput(path: report.path)
            for _ in 0..<64 { try output.write([UInt8](repeating: 0x61, count: 4096)) }
            try output.commit()
        } catch {
            failure = error
        }
        #expect(failure?.description == "\(report.path): write failed: No space left on device")
        #expect(ScratchFileSystem.entries(disk) == ["report.json"])
        #expect(try String(contentsOf: report, encoding: .utf8) == "old")
    }

    @Test("an output dropped without commit or discard removes its temporary file")
    func droppedOutput() throws {
        let root = TestPaths.temporaryDirectory("file-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("report.json").path
        do {
            let output = try FileOutput(path: path)
            try output.write("half")
            try output.flush()
        }
        #expect(ScratchFileSystem.entries(root).isEmpty)
    }
}
