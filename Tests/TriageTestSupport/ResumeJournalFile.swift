import Foundation

/// A run journal's file as bytes, for tests of `--resume`: whether it changed, how many `sent`
/// entries it holds, and the same journal as a build from before destinations were recorded
/// would have written it.
package enum ResumeJournalFile {
    /// The file's bytes (empty when it cannot be read).
    package static func bytes(_ path: String) -> Data {
        (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
    }

    /// Entries of `kind` in the journal so far (a torn last line counts if its kind is readable:
    /// this is for waiting on a running process, not for judging the journal).
    package static func count(_ kind: String, in path: String) -> Int {
        let text = String(decoding: bytes(path), as: UTF8.self)
        return text.components(separatedBy: #"{"kind":"\#(kind)""#).count - 1
    }

    /// Rewrites the journal at `path` as a build from before destinations were recorded wrote it:
    /// its `run` headers without their `destination` member (the header's `target` alone, e.g.
    /// `store:PATH` or `securityhub:ENDPOINT`) and without `sent` entries (recorded since as
    /// well). Each rewritten header gets its checksum again (`<crc32 hex> <json>`); every other
    /// line is kept byte for byte. Returns the number of headers rewritten (0 for a journal of
    /// such a build already).
    @discardableResult
    package static func removeDestinations(_ path: String) throws -> Int {
        let text = String(decoding: bytes(path), as: UTF8.self)
        var lines: [String] = []
        var rewritten = 0
        for line in text.components(separatedBy: "\n") {
            let json = line.firstIndex(of: " ").map { String(line[line.index(after: $0)...]) } ?? ""
            if json == #"{"kind":"sent"}"# { continue }
            guard json.hasPrefix(#"{"kind":"run""#),
                let range = json.range(of: #","destination":\{[^}]*\}"#, options: .regularExpression)
            else {
                lines.append(line)
                continue
            }
            var stripped = json
            stripped.removeSubrange(range)
            lines.append(String(format: "%08x", crc32(Array(stripped.utf8))) + " " + stripped)
            rewritten += 1
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        return rewritten
    }

    /// CRC-32 (IEEE, as zlib's `crc32`), bit by bit: only a few header lines are rewritten.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// The `triage` binary the tests of an issue's fixes run: `TRIAGE_UNDER_TEST` when set (to
/// measure the same test against another build, e.g. the code before the fix), else the binary
/// built with the tests. Set-up steps (generate, import, export, serve) keep the built binary.
package enum TriageUnderTest {
    /// The binary.
    package static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["TRIAGE_UNDER_TEST"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return TestPaths.triageBinary
    }()

    /// `path` with its symbolic links resolved (as messages name stores: `/tmp` may be a link).
    package static func resolved(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
