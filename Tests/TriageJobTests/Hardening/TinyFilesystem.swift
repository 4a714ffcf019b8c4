import Foundation
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A tmpfs of a few kilobytes mounted for one test, to fill a disk for real (needs root, as CI
/// runs; tests using it are enabled only then).
struct TinyFilesystem {
    let url: URL

    static var available: Bool { getuid() == 0 }

    init(kilobytes: Int) throws {
        url = TestPaths.temporaryDirectory("tinyfs")
        let mount = try CommandRun.run(
            URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", url.path])
        guard mount.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSDebugDescriptionErrorKey: mount.stderr]) }
    }

    func unmount() {
        _ = try? CommandRun.run(URL(fileURLWithPath: "/bin/umount"), [url.path])
        try? FileManager.default.removeItem(at: url)
    }
}
