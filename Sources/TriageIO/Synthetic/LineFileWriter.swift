/// Writes lines to a file, gzip-compressed when the path ends in `.gz`, atomically.
package final class LineFileWriter {
    private let output: FileOutput
    private let gzip: GzipWriter?
    private var pending: [UInt8] = []

    /// Opens `path` (`-` = stdout, never compressed).
    package init(path: String, gzipLevel: Int32 = 6) throws(TriageIOError) {
        output = try FileOutput(path: path)
        gzip =
            path.lowercased().hasSuffix(".gz") && path != "-" ? try GzipWriter(output: output, level: gzipLevel) : nil
        pending.reserveCapacity(1 << 20)
    }

    /// Appends `line` and a line feed.
    package func writeLine(_ line: [UInt8]) throws(TriageIOError) {
        pending.append(contentsOf: line)
        pending.append(0x0A)
        if pending.count >= 1 << 20 { try drain() }
    }

    private func drain() throws(TriageIOError) {
        if let gzip { try gzip.write(pending) } else { try output.write(pending) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Finishes and renames the file into place.
    package func commit() throws(TriageIOError) {
        try drain()
        try gzip?.finish()
        try output.commit()
    }

    /// Gives up: the temporary file is removed.
    package func discard() {
        output.discard()
    }
}
