import Foundation
import Testing
import TriageIO
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// ``OutputPath``: how a path resolves (replaced where its symlinks end, or written in place) and
/// the preflight check a job runs for every output before anything is applied.
@Suite("OutputPath")
struct OutputPathCheckTests {
    /// The error `body` throws, or nil.
    static func failure(_ body: () throws -> Void) -> TriageIOError? {
        do {
            try body()
            return nil
        } catch {
            return error as? TriageIOError
        }
    }

    /// A canonical new temporary directory (symlinks such as `/tmp` → `/private/tmp` resolved).
    static func directory() -> URL {
        let url = TestPaths.temporaryDirectory("output-path")
        guard let canonical = realpath(url.path, nil) else { return url }
        defer { free(canonical) }
        return URL(fileURLWithPath: String(cString: canonical))
    }

    @Test("regular files and missing ones are replaced where their symlink chain ends")
    func replaced() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let sub = root.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try "x".write(to: sub.appendingPathComponent("file.json"), atomically: false, encoding: .utf8)
        let manager = FileManager.default
        try manager.createSymbolicLink(
            atPath: root.appendingPathComponent("one").path, withDestinationPath: "sub/file.json")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("two").path, withDestinationPath: "one")
        try manager.createSymbolicLink(
            atPath: sub.appendingPathComponent("dangling").path, withDestinationPath: "../new.xml")
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("subdir").path, withDestinationPath: "sub")

        let expectations: [(String, String, String)] = [
            ("sub/file.json", "sub/file.json", "sub"), ("missing.json", "missing.json", ""),
            ("two", "sub/file.json", "sub"), ("sub/dangling", "new.xml", ""),
            ("subdir/file.json", "sub/file.json", "sub"),
        ]
        for (named, target, directory) in expectations {
            let resolved = try OutputPath.resolve(root.appendingPathComponent(named).path)
            let directoryPath = directory.isEmpty ? root.path : root.appendingPathComponent(directory).path
            #expect(
                resolved.mode == .replace(target: root.appendingPathComponent(target).path, directory: directoryPath),
                "\(named)")
            #expect(!resolved.isDirect)
        }
    }

    @Test("devices, FIFOs, standard output and descriptor links are written in place")
    func direct() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let node = root.appendingPathComponent("null").path
        try ScratchFileSystem.makeCharacterDevice(node, major: 1, minor: 3)
        let fifo = root.appendingPathComponent("fifo").path
        try ScratchFileSystem.makeFIFO(fifo)
        let link = root.appendingPathComponent("to-stdout").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/stdout")

        for path in [node, fifo, "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/fd/2", "/proc/self/fd/1", link] {
            let resolved = try OutputPath.resolve(path)
            #expect(resolved.mode == .direct, "\(path)")
            #expect(resolved.isDirect)
            #expect(try OutputPath.check(path, kind: "report").isDirect, "\(path)")
        }
        #expect(try OutputPath.check("-", kind: "report").mode == .standardOutput)
    }

    @Test("a directory is refused, naming the option", arguments: ["report", "junit", "journal"])
    func directoryIsRefused(kind: String) {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let error = Self.failure { _ = try OutputPath.check(root.path, kind: kind) }
        #expect(error?.description == "\(root.path): is a directory; --\(kind) needs a file path")
        let slash = Self.failure { _ = try OutputPath.check(root.path + "/missing/", kind: kind) }
        #expect(slash != nil)
        #expect(Self.failure { _ = try OutputPath.resolve(root.path) }?.description == "\(root.path): is a directory")
    }

    @Test("a missing parent directory, or a file used as one, is refused")
    func missingParent() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent("no/such/report.json").path
        #expect(
            Self.failure { _ = try OutputPath.check(path, kind: "report") }?.description
                == "\(path): the directory \(root.path)/no/such does not exist")
        let dangling = root.appendingPathComponent("dangling").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "gone/report.json")
        #expect(
            Self.failure { _ = try OutputPath.check(dangling, kind: "junit") }?.description
                == "\(dangling): the directory \(root.path)/gone does not exist")
        try "x".write(to: root.appendingPathComponent("file"), atomically: false, encoding: .utf8)
        let through = root.appendingPathComponent("file/report.json").path
        #expect(
            Self.failure { _ = try OutputPath.check(through, kind: "report") }?.description
                == "\(through): a part of the path is not a directory")
    }

    @Test("a symlink loop is refused")
    func loop() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("b").path, withDestinationPath: "a")
        let error = Self.failure { _ = try OutputPath.check(a, kind: "report") }
        #expect(error?.description.hasPrefix("\(a): ") == true)
        #expect(error?.description.contains("ymbolic links") == true)
    }

    @Test("a read-only file system is refused, for a new file and for an existing one, even for root")
    func readOnly() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let disk = try ScratchFileSystem.mountTmpfs(kilobytes: 64, in: root)
        defer { ScratchFileSystem.unmount(disk) }
        try "old".write(to: disk.appendingPathComponent("journal"), atomically: false, encoding: .utf8)
        try ScratchFileSystem.makeReadOnly(disk)

        let new = disk.appendingPathComponent("report.json").path
        let error = Self.failure { _ = try OutputPath.check(new, kind: "report") }
        #expect(error?.description.hasPrefix("\(new): ") == true)
        #expect(
            error?.description.contains("Read-only file system") == true
                || error?.description.contains("read-only") == true)
        #expect(error?.description.contains("\n") == false)
        for inPlace in [false, true] {
            let existing = disk.appendingPathComponent("journal").path
            let refused = Self.failure { _ = try OutputPath.check(existing, kind: "journal", inPlace: inPlace) }
            #expect(refused?.description == "\(existing): is not writable: Read-only file system")
        }
    }

    @Test("a writable regular file or a new one in a writable directory passes")
    func accepted() throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(at: root) }
        let existing = root.appendingPathComponent("old.json")
        try "x".write(to: existing, atomically: false, encoding: .utf8)
        #expect(Self.failure { _ = try OutputPath.check(existing.path, kind: "report") } == nil)
        #expect(
            Self.failure { _ = try OutputPath.check(root.appendingPathComponent("new.xml").path, kind: "junit") } == nil
        )
        #expect(Self.failure { _ = try OutputPath.check(existing.path, kind: "journal", inPlace: true) } == nil)
        // The check creates nothing.
        #expect(ScratchFileSystem.entries(root) == ["old.json"])
    }
}
