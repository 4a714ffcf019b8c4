/// The output under a ``JUnitWriter``: libxml2's output buffer hands it chunks of about 4 KB
/// through a C callback, passed on to a ``FileOutput`` (which writes by ``OutputPath``'s rule),
/// through a gzip compressor when the report is compressed.
///
/// The first failed write is remembered and later bytes are dropped; the callback then still
/// reports success, so libxml2 prints nothing to stderr and the writer turns the remembered error
/// into a ``TriageIOError`` after the call.
final class JUnitOutputFile {
    let output: FileOutput
    /// The compressor in front of `output`, for a gzip report.
    private let gzip: GzipWriter?
    /// The first failed write, if any.
    private(set) var writeError: TriageIOError?

    init(output: FileOutput, gzip: GzipWriter? = nil) {
        self.output = output
        self.gzip = gzip
    }

    /// Passes `bytes` on; a no-op after a failure.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard writeError == nil else { return }
        do throws(TriageIOError) {
            if let gzip {
                try gzip.write(Array(bytes))
            } else {
                try output.write(bytes)
            }
        } catch {
            writeError = error
        }
    }

    /// Writes out what the output buffers (ending the gzip member first); remembers and returns a
    /// failure. Called once, when the document is complete.
    func flush() -> TriageIOError? {
        guard writeError == nil else { return writeError }
        do throws(TriageIOError) {
            try gzip?.finish()
            try output.flush()
        } catch {
            writeError = error
        }
        return writeError
    }
}
