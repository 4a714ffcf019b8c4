import CLibXML2

/// Streams a JUnit XML report to a ``FileOutput`` with libxml2's `xmlTextWriter`; memory stays flat
/// whatever the number of test cases (libxml2 hands over chunks of about 4 KB, the output writes
/// them out a MiB at a time).
///
/// The report validates against the strict windyroad `JUnit.xsd` and Jenkins xunit `junit-10.xsd`:
/// `<testsuites>` without attributes; per suite `name package id timestamp hostname tests failures
/// errors time`, then `<properties>`, the `<testcase name classname time>` elements (each with an
/// optional `<failure type message>text</failure>`), `<system-out>` and `<system-err>`.
///
/// Any string is accepted: XML-special characters are escaped by libxml2, characters XML 1.0
/// forbids (C0 controls other than tab, LF, CR; U+FFFE; U+FFFF) become U+FFFD (see ``JUnitText``),
/// blank suite names, host names and property names are replaced (see ``JUnitSuite``), counts are
/// clamped to `0...Int32.max` and times are written with exactly 3 decimals.
///
/// The suite's counts are written before its test cases, so the caller must know them when it
/// calls ``beginSuite(_:)``. Calls must come in the order `beginSuite`, `testCase`*, `endSuite`, ...,
/// `finish`; a write error (disk full) is thrown by the call that hits it, or by ``finish()`` at the
/// latest, and every later call throws it again. Not thread-safe: use it from one thread at a time.
///
/// ``init(output:)`` writes to the caller's output, which the caller commits or discards after
/// ``finish()``; ``init(path:)`` opens the path by ``OutputPath``'s rule (atomic replacement of a
/// regular file, in place for a device or FIFO), commits it in ``finish()`` and discards it when
/// the writer is dropped unfinished. A report whose path ends in `.gz` (``GzipPath``), or one
/// made with `gzip: true`, is written gzip-compressed.
package final class JUnitWriter {
    private enum State {
        case betweenSuites
        case inSuite
        case finished
        case failed(TriageIOError)
    }

    /// libxml2's global set-up, run once (thread-safe) before the first writer: its lazy set-up
    /// inside individual calls is not safe when two threads race into it.
    private static let libxml2Ready: Void = xmlInitParser()

    private let path: String
    private let file: JUnitOutputFile
    /// Whether ``finish()`` commits the output (and `deinit` discards it).
    private let ownsOutput: Bool
    private var writer: xmlTextWriterPtr?
    private var state = State.betweenSuites

    /// Opens `path` (see the type's notes) and writes the XML declaration and `<testsuites>`.
    package convenience init(path: String) throws(TriageIOError) {
        let output: FileOutput
        do throws(TriageIOError) {
            output = try FileOutput(path: path)
        } catch {
            throw TriageIOError(.open, "cannot create the file", output: error)
        }
        try self.init(output: output, owned: true, gzip: GzipPath.names(path))
    }

    /// Writes the XML declaration and `<testsuites>` to `output`, which the caller commits;
    /// gzip-compressed when `gzip`.
    package convenience init(output: FileOutput, gzip: Bool = false) throws(TriageIOError) {
        try self.init(output: output, owned: false, gzip: gzip)
    }

    private init(output: FileOutput, owned: Bool, gzip: Bool) throws(TriageIOError) {
        _ = Self.libxml2Ready
        self.path = output.path
        var compressor: GzipWriter?
        if gzip {
            do throws(TriageIOError) {
                compressor = try GzipWriter(output: output)
            } catch {
                if owned { output.discard() }
                throw TriageIOError(.open, "cannot start gzip", output: error)
            }
        }
        file = JUnitOutputFile(output: output, gzip: compressor)
        ownsOutput = owned
        let context = Unmanaged.passUnretained(file).toOpaque()
        let output = xmlOutputBufferCreateIO(
            { context, buffer, length in
                guard let context, let buffer, length > 0 else { return 0 }
                let file = Unmanaged<JUnitOutputFile>.fromOpaque(context).takeUnretainedValue()
                file.append(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                return length
            }, nil, context, nil)
        guard let output else {
            throw TriageIOError(.libxml, path: path, "libxml2 could not create an output buffer")
        }
        guard let writer = xmlNewTextWriter(output) else {
            xmlOutputBufferClose(output)
            throw TriageIOError(.libxml, path: path, "libxml2 could not create a text writer")
        }
        self.writer = writer
        // One element per line, no indentation: readable, and small.
        xmlTextWriterSetIndent(writer, 1)
        xmlTextWriterSetIndentString(writer, "")
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil))
        try check(xmlTextWriterStartElement(writer, "testsuites"))
    }

    deinit {
        if let writer { xmlFreeTextWriter(writer) }
        // An unfinished report of its own is discarded, the old file (if any) left as it was; a
        // no-op once committed.
        if ownsOutput { file.output.discard() }
    }

    /// Writes `<testsuite ...>` and its `<properties>`; throws `.invalidSuite` for a malformed timestamp.
    package func beginSuite(_ suite: JUnitSuite) throws(TriageIOError) {
        let writer = try ready(for: "beginSuite", inSuite: false)
        guard JUnitSuite.isValidTimestamp(suite.timestamp) else {
            throw TriageIOError(.invalidSuite, path: path, "timestamp is not YYYY-MM-DDTHH:MM:SS")
        }
        try check(xmlTextWriterStartElement(writer, "testsuite"))
        try attribute("name", JUnitText.isBlank(suite.name) ? "(unnamed)" : suite.name)
        try attribute("package", suite.package)
        try attribute("id", xsInt(suite.id))
        try attribute("timestamp", suite.timestamp)
        try attribute("hostname", JUnitText.isBlank(suite.hostname) ? "localhost" : suite.hostname)
        try attribute("tests", xsInt(suite.tests))
        try attribute("failures", xsInt(suite.failures))
        try attribute("errors", xsInt(suite.errors))
        try timeAttribute(suite.time)
        try check(xmlTextWriterStartElement(writer, "properties"))
        for property in suite.properties {
            try check(xmlTextWriterStartElement(writer, "property"))
            try attribute("name", JUnitText.isBlank(property.name) ? "(unnamed)" : property.name)
            try attribute("value", property.value)
            try check(xmlTextWriterEndElement(writer))
        }
        try check(xmlTextWriterEndElement(writer))
        state = .inSuite
    }

    /// Writes one `<testcase name classname time>`, with `<failure type message>text</failure>` if failed.
    /// `time` is in seconds.
    package func testCase(name: String, classname: String, time: Double, failure: JUnitFailure?)
        throws(TriageIOError)
    {
        let writer = try ready(for: "testCase", inSuite: true)
        try check(xmlTextWriterStartElement(writer, "testcase"))
        try attribute("name", name)
        try attribute("classname", classname)
        try timeAttribute(time)
        if let failure {
            try check(xmlTextWriterStartElement(writer, "failure"))
            try attribute("type", failure.type)
            try attribute("message", failure.message)
            if !failure.text.isEmpty {
                try check(JUnitText.withXMLCString(failure.text) { xmlTextWriterWriteString(writer, $0) })
            }
            try check(xmlTextWriterEndElement(writer))
        }
        try check(xmlTextWriterEndElement(writer))
    }

    /// Writes `<system-out>`, `<system-err>` (empty strings give empty elements) and `</testsuite>`.
    package func endSuite(systemOut: String, systemErr: String) throws(TriageIOError) {
        let writer = try ready(for: "endSuite", inSuite: true)
        for (element, text) in [("system-out", systemOut), ("system-err", systemErr)] {
            try check(xmlTextWriterStartElement(writer, element))
            if !text.isEmpty {
                try check(JUnitText.withXMLCString(text) { xmlTextWriterWriteString(writer, $0) })
            }
            try check(xmlTextWriterEndElement(writer))
        }
        try check(xmlTextWriterEndElement(writer))
        state = .betweenSuites
    }

    /// Writes `</testsuites>` and writes everything out (an output of its own is committed:
    /// synced, closed and renamed into place); write and close errors (disk full) surface here.
    package func finish() throws(TriageIOError) {
        let writer = try ready(for: "finish", inSuite: false)
        try check(xmlTextWriterEndDocument(writer))
        // Freeing the writer flushes libxml2's last buffered bytes into `file`.
        xmlFreeTextWriter(writer)
        self.writer = nil
        if let error = file.flush() {
            throw fail(TriageIOError(.write, "cannot write", output: error))
        }
        if ownsOutput {
            do throws(TriageIOError) {
                try file.output.commit()
            } catch {
                throw fail(TriageIOError(.close, "cannot close", output: error))
            }
        }
        state = .finished
    }

    /// The libxml2 writer, if the writer is usable and in the state a call needs.
    private func ready(for call: String, inSuite: Bool) throws(TriageIOError) -> xmlTextWriterPtr {
        switch state {
        case .failed(let error):
            throw error
        case .finished:
            throw TriageIOError(.misuse, path: path, "\(call) after finish")
        case .inSuite where !inSuite:
            throw TriageIOError(.misuse, path: path, "\(call) inside a suite (call endSuite first)")
        case .betweenSuites where inSuite:
            throw TriageIOError(.misuse, path: path, "\(call) outside a suite (call beginSuite first)")
        case .inSuite, .betweenSuites:
            return writer!
        }
    }

    /// Throws (and makes the writer fail from now on) if the last write failed or libxml2 returned -1.
    private func check(_ result: Int32) throws(TriageIOError) {
        if let error = file.writeError {
            throw fail(TriageIOError(.write, "cannot write", output: error))
        }
        if result < 0 {
            throw fail(TriageIOError(.libxml, path: path, "libxml2's text writer failed"))
        }
    }

    private func fail(_ error: TriageIOError) -> TriageIOError {
        state = .failed(error)
        return error
    }

    private func attribute(_ name: String, _ value: String) throws(TriageIOError) {
        let writer = writer!
        try check(JUnitText.withXMLCString(value) { xmlTextWriterWriteAttribute(writer, name, $0) })
    }

    private func timeAttribute(_ seconds: Double) throws(TriageIOError) {
        let writer = writer!
        try check(JUnitText.withSecondsCString(seconds) { xmlTextWriterWriteAttribute(writer, "time", $0) })
    }

    /// `value` clamped to the range of `xs:int` that makes sense for ids and counts.
    private func xsInt(_ value: Int) -> String {
        String(min(max(value, 0), Int(Int32.max)))
    }
}
