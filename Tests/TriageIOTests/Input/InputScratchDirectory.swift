import Foundation

/// A temporary directory for one test, with helpers to write plain and gzip files (gzip via the system `gzip`).
final class InputScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("triage-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `bytes` to `name`; returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The bytes of `name`.
    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Compresses `bytes` with `gzip -<level> -n` into one member and returns the compressed bytes.
    func gzip(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        let plain = try write("gzip-input-\(UUID().uuidString)", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec gzip -\(level) -n -c \"$1\" > \"$1.gz\"", "sh", plain]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        let compressed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain + ".gz")))
        try FileManager.default.removeItem(atPath: plain)
        try FileManager.default.removeItem(atPath: plain + ".gz")
        return compressed
    }
}

/// NDJSON-like lines, varied enough that gzip emits Huffman blocks (not stored ones).
func sampleRecords(count: Int, seed: UInt64 = 1) -> [UInt8] {
    var generator = SeededGenerator(seed: seed)
    var text = ""
    for index in 1...count {
        let id = String(generator.next(), radix: 16)
        let status = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"][Int(generator.next() % 4)]
        text +=
            "{\"Id\":\"arn:aws:securityhub:finding/\(id)\",\"Workflow\":\"\(status)\",\"Note\":\"record \(index)\"}\n"
    }
    return Array(text.utf8)
}
