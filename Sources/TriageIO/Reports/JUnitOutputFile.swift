/// The output under a ``JUnitWriter``: libxml2's output buffer hands it chunks of about 4 KB
/// through a C callback, passed on to a ``FileOutput`` (which writes by ``OutputPath``'s rule).
///
/// The first failed write is remembered and later bytes are dropped; the callback then still
/// reports success, so libxml2 prints nothing to stderr and the writer turns the remembered error
/// into a ``JUnitWriterError`` after the call.
final class JUnitOutputFile {
    let output: FileOutput
    /// The first failed write, if any.
    private(set) var writeError: OutputError?

    init(output: FileOutput) {
        self.output = output
    }

    /// Passes `bytes` on; a no-op after a failure.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard writeError == nil else { return }
        do throws(OutputError) {
            try output.write(bytes)
        } catch {
            writeError = error
        }
    }

    /// Writes out what the output buffers; remembers and returns a failure.
    func flush() -> OutputError? {
        guard writeError == nil else { return writeError }
        do throws(OutputError) {
            try output.flush()
        } catch {
            writeError = error
        }
        return writeError
    }
}
