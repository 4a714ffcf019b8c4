import Foundation
import Testing
import TriageTestSupport

/// The binary `jobs/install` installs runs on a machine without the Swift toolchain: built as
/// `jobs/install` builds it, then run with the toolchain's directory hidden (an empty tmpfs mounted
/// over it in a mount namespace of its own) for `--version` and a small apply of the samples.
///
/// How it is built, and why so: `--static-swift-stdlib` changes the compile commands as well as the
/// link (the modules then come from the toolchain's `swift_static` directory, and their autolink
/// entries name the static Foundation, ICU and Dispatch libraries), so relinking the objects that
/// `swift test` has already built does not give that binary: tried, the link fails on undefined ICU
/// symbols, and making it link would be a hand-written imitation of the build. So the test runs
/// `jobs/install` itself, with `TRIAGE_INSTALL_DEBUG=1`: the same command, flags and scratch path
/// (`.build-static`) in the debug configuration, which compiles about a third faster than the
/// release one (measured on 2 cores beside another build: 9 min 24 s, 9.8 CPU-minutes, against
/// 11 min 21 s and 15.2 for release; seconds when `.build-static` is up to date). The build is
/// awaited without holding a thread of the test pool and runs at a lower priority (`nice`), so it
/// takes the CPU the other tests leave idle (about half of 2 cores while they run) instead of
/// delaying them: a step of its own after `swift test` would add its whole time to the suite's.
///
/// It can fail, and checks first that it would: the binary `swift test` built, linked dynamically
/// against the toolchain, must not start in the same namespace; a static build that still names a
/// library of the toolchain fails `ldd`'s check here (and `jobs/install` itself), one that does but
/// loads something from it at run time fails the runs.
@Suite struct StaticBinaryTests {
    /// What `ldd` may name: the base system's libraries and those of the packages the README and
    /// docs/dependencies.md list (zlib, libxml2 with liblzma and ICU, SQLite).
    static let allowedLibraries = [
        "linux-vdso.so", "ld-linux", "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libgcc_s.so",
        "libstdc++.so", "libz.so", "libxml2.so", "liblzma.so", "libicuuc.so", "libicudata.so", "libsqlite3.so",
    ]

    @Test(.timeLimit(.minutes(30)))
    func installedBinaryRunsWithTheToolchainHidden() async throws {
        let directory = TestPaths.temporaryDirectory("static-binary")
        defer { try? FileManager.default.removeItem(at: directory) }
        let toolchain = try Self.toolchainDirectory()

        // The control, before the build: the dynamically linked binary does not start there.
        let control = try Self.withToolchainHidden(toolchain, TestPaths.triageBinary.path, ["--version"])
        try #require(
            control.status == 127 && control.stderr.contains("error while loading shared libraries"),
            "hiding \(toolchain) did not stop the dynamically linked binary: status \(control.status), \(control.stderr)"
        )

        let install = try await Self.awaitingOffThePool {
            try CommandRun.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["nice", "-n", "10", "bash", TestPaths.packageRoot.appendingPathComponent("jobs/install").path],
                environment: ["TRIAGE_BIN": "", "TRIAGE_INSTALL_DEBUG": "1", "PREFIX": directory.path],
                directory: TestPaths.packageRoot)
        }
        try #require(install.status == 0, "jobs/install: \(install.stderr.suffix(4000))")
        let binary = directory.appendingPathComponent("bin/triage").path

        let ldd = try Self.tool("ldd", [binary])
        #expect(ldd.status == 0, "\(ldd.stderr)")
        // "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)", "\t/lib64/ld-linux-x86-64.so.2 (0x…)"
        let names = ldd.stdout.split(separator: "\n").compactMap { line in
            line.split(whereSeparator: \.isWhitespace).first.map { URL(fileURLWithPath: String($0)).lastPathComponent }
        }
        let unexpected = names.filter { name in !Self.allowedLibraries.contains { name.hasPrefix($0) } }
        #expect(!names.isEmpty && unexpected.isEmpty, "unexpected libraries \(unexpected):\n\(ldd.stdout)")
        #expect(!ldd.stdout.contains(toolchain) && !ldd.stdout.contains("not found"), "\(ldd.stdout)")
        let sections = try Self.tool("readelf", ["--section-headers", "--wide", binary])
        #expect(sections.status == 0 && !sections.stdout.contains(".symtab"), "not stripped")

        let version = try Self.withToolchainHidden(toolchain, binary, ["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("triage 0."), "\(version.status) \(version.stderr)")
        let samples = TestPaths.packageRoot.appendingPathComponent("samples").path
        let store = directory.appendingPathComponent("findings.sqlite").path
        let imported = try Self.withToolchainHidden(
            toolchain, binary, ["import", "\(samples)/findings.ndjson.gz", "--store", store])
        #expect(imported.status == 0 && imported.stderr.contains("400 imported"), "\(imported.stderr)")
        let report = directory.appendingPathComponent("report.json")
        let applied = try Self.withToolchainHidden(
            toolchain, binary, ["apply", "\(samples)/decisions.ndjson.gz", "--store", store, "--report", report.path])
        // 1: the samples hold invalid records by design.
        #expect(applied.status == 1, "\(applied.status) \(applied.stderr)")
        let loaded = try loadReport(report)
        expectCountsAddUp(loaded)
        #expect(summary(loaded)["failed"] as? Int ?? 0 > 0)
        #expect(summary(loaded)["processed"] as? Int ?? 0 > 0)
    }

    /// The directory to hide: where the binary `swift test` built finds `libswiftCore.so`, up to the
    /// toolchain's root (`/opt/swift` for `/opt/swift/usr/lib/swift/linux`); `/usr/lib/swift` for a
    /// toolchain installed in `/usr`, as in the swift container images.
    static func toolchainDirectory() throws -> String {
        let ldd = try tool("ldd", [TestPaths.triageBinary.path])
        let line = try #require(
            ldd.stdout.split(separator: "\n").first { $0.contains("libswiftCore.so =>") },
            "the test build does not load libswiftCore.so dynamically:\n\(ldd.stdout)")
        let library = try #require(line.split(separator: " ").dropFirst(2).first.map(String.init))
        let runtime = URL(fileURLWithPath: library).deletingLastPathComponent().path
        let suffix = "/usr/lib/swift/linux"
        let root = runtime.hasSuffix(suffix) ? String(runtime.dropLast(suffix.count)) : ""
        return root.isEmpty ? "/usr/lib/swift" : root
    }

    /// Runs `binary` in a mount namespace where `hidden` is an empty tmpfs (as root; otherwise in a
    /// user namespace too, where the kernel allows that).
    static func withToolchainHidden(_ hidden: String, _ binary: String, _ arguments: [String]) throws -> CommandRun {
        let namespace = geteuid() == 0 ? ["--mount"] : ["--mount", "--map-root-user"]
        return try tool(
            "unshare",
            namespace + ["--propagation", "private", "sh", "-c", "mount -t tmpfs none \"$0\" && exec \"$@\"", hidden]
                + [binary] + arguments)
    }

    static func tool(_ name: String, _ arguments: [String]) throws -> CommandRun {
        try CommandRun.run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments)
    }

    /// Waits for `body` on a thread of its own, so that a long build does not hold one of the test
    /// pool's (as many as cores).
    static func awaitingOffThePool(_ body: @escaping @Sendable () throws -> CommandRun) async throws -> CommandRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
