import TriageCore

/// Streams the JSON report: the summary, then `ProcessedFindings`, then `UnprocessedFindings`,
/// one entry per line so that two reports `diff` cleanly.
///
/// Call ``begin(_:)``, ``processed(_:)`` for each processed record in input order,
/// ``beginUnprocessed()``, ``unprocessed(_:)`` for each failed record in input order, then
/// ``finish()``. Memory does not grow with the number of entries.
///
/// With `gzip` the document is compressed (one gzip member, ended by ``finish()``) on its way to
/// the output, 256 KiB at a time.
package final class JSONReportWriter {
    private let output: FileOutput
    private let gzip: GzipWriter?
    /// Bytes waiting for the compressor (with `gzip` only).
    private var pending: [UInt8] = []
    private var first = true
    /// The inputs' names, by the index a record's ``SourceLocation`` gives (the summary's).
    private var inputs: [String] = []

    /// Writes to `output` (which the caller commits or discards), gzip-compressed when `gzip`.
    package init(output: FileOutput, gzip: Bool = false) throws(TriageIOError) {
        self.output = output
        self.gzip = gzip ? try GzipWriter(output: output) : nil
    }

    /// Appends bytes through a closure that writes into a buffer directly.
    private func append(_ body: (inout [UInt8]) -> Void) throws(TriageIOError) {
        guard let gzip else { return try output.withBuffer(body) }
        body(&pending)
        if pending.count >= 256 << 10 { try drain(gzip) }
    }

    private func append(_ text: String) throws(TriageIOError) {
        try append { $0.append(contentsOf: text.utf8) }
    }

    /// Hands the pending bytes to the compressor.
    private func drain(_ gzip: GzipWriter) throws(TriageIOError) {
        try gzip.write(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes the opening and the summary, and opens `ProcessedFindings`. Entries name their
    /// input by the summary's `inputs`.
    package func begin(_ summary: ReportSummary) throws(TriageIOError) {
        inputs = summary.inputs
        var out: [UInt8] = []
        out.append(contentsOf: "{\n  \"summary\": {".utf8)
        func member(_ name: String, _ value: JSONText.Scalar, last: Bool = false) {
            JSONText.appendString(name, to: &out)
            out.append(contentsOf: ": ".utf8)
            JSONText.appendScalar(value, to: &out)
            if !last { out.append(contentsOf: ", ".utf8) }
        }
        member("records", .integer(summary.records))
        member("processed", .integer(summary.processed))
        member("failed", .integer(summary.failed))
        member("requests", .integer(summary.requests))
        member("target", .string(summary.target))
        out.append(contentsOf: "\"inputs\": [".utf8)
        for (index, input) in summary.inputs.enumerated() {
            if index > 0 { out.append(contentsOf: ", ".utf8) }
            JSONText.appendString(input, to: &out)
        }
        out.append(contentsOf: "], ".utf8)
        member("startedAt", .string(summary.startedAt))
        member("finishedAt", .string(summary.finishedAt))
        out.append(contentsOf: "\"dryRun\": \(summary.dryRun), \"interrupted\": \(summary.interrupted), ".utf8)
        member("remaining", .integer(summary.remaining))
        out.append(contentsOf: "\"errors\": {".utf8)
        for (index, entry) in summary.errors.sorted.enumerated() {
            if index > 0 { out.append(contentsOf: ", ".utf8) }
            member(entry.code.rawValue, .integer(entry.count), last: true)
        }
        out.append(UInt8(ascii: "}"))
        if let remote = summary.remote {
            out.append(contentsOf: ", ".utf8)
            member("retries", .integer(remote.retries))
            member("throttled", .integer(remote.throttled))
            // Per Region, and per account whose assumed role sent (`--assume-role`, when any).
            for (key, figures) in [("regions", remote.regions), ("accounts", remote.accounts)]
            where key == "regions" || !figures.isEmpty {
                if key != "regions" { out.append(contentsOf: ", ".utf8) }
                out.append(contentsOf: "\"\(key)\": {".utf8)
                for (index, name) in figures.keys.sorted().enumerated() {
                    let lane = figures[name]!
                    if index > 0 { out.append(contentsOf: ", ".utf8) }
                    JSONText.appendString(name, to: &out)
                    out.append(contentsOf: ": {".utf8)
                    member("requests", .integer(lane.requests))
                    member("throttled", .integer(lane.throttled))
                    member("findings", .integer(lane.findings), last: true)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(UInt8(ascii: "}"))
            }
        }
        if let changes = summary.wouldChange {
            out.append(contentsOf: ", \"wouldChange\": [".utf8)
            for (index, change) in changes.enumerated() {
                out.append(contentsOf: (index > 0 ? ", {" : "{").utf8)
                member("member", .string(change.member))
                member("value", change.value.map { .string($0) } ?? .null)
                member("findings", .integer(change.findings))
                member("alreadySo", .integer(change.alreadySo), last: true)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        Self.appendShards(summary, to: &out)
        out.append(contentsOf: "},\n  \"ProcessedFindings\": [".utf8)
        try append { $0.append(contentsOf: out) }
        first = true
    }

    /// Appends a processed record.
    package func processed(_ record: RecordOutcome) throws(TriageIOError) {
        let reference = record.reference
        try append { out in
            out.append(contentsOf: (first ? "\n    {" : ",\n    {").utf8)
            out.append(contentsOf: "\"Id\": ".utf8)
            Self.appendOptional(reference.id, to: &out)
            out.append(contentsOf: ", \"ProductArn\": ".utf8)
            Self.appendOptional(reference.productArn, to: &out)
            Self.appendAccount(reference.account, to: &out)
            appendSource(reference.source, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        first = false
    }

    /// Closes `ProcessedFindings` and opens `UnprocessedFindings`.
    package func beginUnprocessed() throws(TriageIOError) {
        try append(first ? "],\n  \"UnprocessedFindings\": [" : "\n  ],\n  \"UnprocessedFindings\": [")
        first = true
    }

    /// Appends a failed record.
    package func unprocessed(_ record: RecordOutcome) throws(TriageIOError) {
        let reference = record.reference
        let code = record.outcome.errorCode ?? .internalFailure
        let message = record.outcome.errorMessage ?? ""
        try append { out in
            out.append(contentsOf: (first ? "\n    {" : ",\n    {").utf8)
            out.append(contentsOf: "\"FindingIdentifier\": ".utf8)
            if reference.id == nil, reference.productArn == nil {
                out.append(contentsOf: "null".utf8)
            } else {
                out.append(contentsOf: "{\"Id\": ".utf8)
                Self.appendOptional(reference.id, to: &out)
                out.append(contentsOf: ", \"ProductArn\": ".utf8)
                Self.appendOptional(reference.productArn, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            Self.appendAccount(reference.account, to: &out)
            out.append(contentsOf: ", \"ErrorCode\": ".utf8)
            JSONText.appendString(code.rawValue, to: &out)
            out.append(contentsOf: ", \"ErrorMessage\": ".utf8)
            JSONText.appendString(message, to: &out)
            appendSource(reference.source, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        first = false
    }

    /// `, "AwsAccountId": "…"` when the record's finding has a known account (``FindingAccount``);
    /// nothing otherwise, so that a report entry stays the API's identifier shape.
    private static func appendAccount(_ account: String?, to out: inout [UInt8]) {
        guard let account else { return }
        out.append(contentsOf: ", \"AwsAccountId\": ".utf8)
        JSONText.appendString(account, to: &out)
    }

    /// Closes the document, and the gzip member (the caller commits the output).
    package func finish() throws(TriageIOError) {
        try append(first ? "]\n}\n" : "\n  ]\n}\n")
        if let gzip {
            try drain(gzip)
            try gzip.finish()
        }
    }

    private static func appendOptional(_ value: String?, to out: inout [UInt8]) {
        if let value { JSONText.appendString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// `, "source": {"input": NAME, "line": N}`.
    private func appendSource(_ source: SourceLocation, to out: inout [UInt8]) {
        out.append(contentsOf: ", \"source\": {\"input\": ".utf8)
        JSONText.appendString(inputs[source.input], to: &out)
        out.append(contentsOf: ", \"line\": \(source.line)}".utf8)
    }
}
