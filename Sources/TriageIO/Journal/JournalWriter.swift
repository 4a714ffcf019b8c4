import CZlib
import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// Appends entries to a run journal: one line per entry, `<crc32 hex> <compact JSON>\n`, so that
/// a torn last entry (a crash mid-write) is recognised and ignored when the journal is read.
///
/// Entries: `run` (the header, first), `sent` (a request about to be sent: ``appendSent()``),
/// `batch` (the outcomes of one finished batch; durable when ``appendBatch(_:records:durable:)``
/// returns, or after ``syncWritten()``), `failed` (records that failed before any request:
/// malformed or invalid; recomputed on resume, kept for `triage report`), `end`.
/// Not thread-safe: the pipeline calls it under its lock.
/// `@unchecked Sendable`: callers serialise every call (the pipeline holds `ApplyLedger`'s lock).
///
/// A journal whose path ends in `.gz` (``GzipPath``) is gzip-compressed, each entry a gzip member
/// of its own (a multi-member stream that `gzip -d` reads whole): whatever is durable (synced) is
/// complete members, so a crash tears at most the last member, which the reader ignores
/// (``GzipMemberSource``) and ``cutTornTail(_:)`` cuts off, as it does a torn last line. zlib's
/// fastest level: entries are compressed under the pipeline's lock.
package final class JournalWriter: @unchecked Sendable {
    private let output: FileOutput
    /// The compressor of a gzip journal.
    private let gzip: GzipWriter?
    /// The journal's path.
    package let path: String
    /// For an `s3://` journal: its local copy in the run's temporary directory, written during
    /// the run and uploaded by ``close()`` (`docs/s3.md`).
    private let staged: String?

    /// Opens `path` for appending (created if missing), or empties it first when `fresh`. A torn
    /// last entry left by a crash is cut off first, so that the entries appended now follow a
    /// complete one. An `s3://` journal is downloaded first (unless `fresh`).
    package init(path: String, fresh: Bool = false) throws(TriageIOError) {
        self.path = path
        staged = RemoteObjects.isRemote(path) ? try RemoteObjects.stagingPath(kind: "journal") : nil
        if let staged, !fresh { _ = try RemoteObjects.store().download(path, to: staged) }
        let file = staged ?? path
        if fresh {
            output = try FileOutput(path: file, atomic: false)
        } else {
            try Self.cutTornTail(file)
            output = try FileOutput(path: file, atomic: false, append: true)
        }
        gzip = GzipPath.names(path) ? try GzipWriter(output: output, level: 1) : nil
    }

    /// Truncates `path` after its last complete entry (nothing when it ends with one, is missing,
    /// or is not a regular file: a journal on a device or FIFO is only ever written to): after its
    /// last line feed, or for a gzip journal (known by its magic bytes) after its last complete
    /// gzip member. A gzip journal with data zlib rejects is an error, not cut.
    package static func cutTornTail(_ path: String) throws(TriageIOError) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return }
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { Glibc.close(fd) }
        var end = lseek(fd, 0, SEEK_END)
        guard end > 0 else { return }
        var magic: [UInt8] = [0, 0]
        if magic.withUnsafeMutableBytes({ Glibc.pread(fd, $0.baseAddress, 2, 0) }) == 2, magic == [0x1F, 0x8B] {
            let keep = try completeGzipLength(path)
            if off_t(keep) != end, ftruncate(fd, off_t(keep)) != 0 {
                throw TriageIOError(path: path, "cannot cut the torn last entry", errno: errno)
            }
            return
        }
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let count = Int(end - start)
            let read = chunk.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress, count, start) }
            guard read == count else { throw TriageIOError(path: path, reason: "cannot read the journal's end") }
            if let last = chunk[0..<count].lastIndex(of: 0x0A) {
                let keep = start + off_t(last + 1)
                if keep != lseek(fd, 0, SEEK_END), ftruncate(fd, keep) != 0 {
                    throw TriageIOError(path: path, reason: "cannot cut the torn last entry")
                }
                return
            }
            end = start
        }
        if ftruncate(fd, 0) != 0 { throw TriageIOError(path: path, reason: "cannot cut the torn last entry") }
    }

    /// The length of a gzip journal's complete members (all of it, unless its last member is torn).
    private static func completeGzipLength(_ path: String) throws(TriageIOError) -> Int64 {
        do throws(TriageIOError) {
            let members = GzipMemberSource(wrapping: try FileByteSource(path: path))
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
            defer { chunk.deallocate() }
            while try members.read(into: chunk) > 0 {}
            return members.completeLength
        } catch {
            throw TriageIOError(path: path, reason: "cannot find the journal's last complete entry: \(error.message)")
        }
    }

    /// Writes the header of a new run.
    package func begin(_ header: JournalHeader) throws(TriageIOError) {
        var json: [UInt8] = Array(#"{"kind":"run","version":1,"inputs":["#.utf8)
        for (index, input) in header.inputs.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            JSONText.appendString(input, to: &json)
        }
        json.append(contentsOf: #"],"fingerprints":["#.utf8)
        for (index, fingerprint) in header.fingerprints.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            JSONText.appendString(fingerprint, to: &json)
        }
        json.append(contentsOf: #"],"target":"#.utf8)
        JSONText.appendString(header.target, to: &json)
        if let destination = header.destination {
            json.append(contentsOf: #","destination":{"kind":"#.utf8)
            JSONText.appendString(destination.kind, to: &json)
            for (key, value) in [("store", destination.store), ("endpoint", destination.endpoint)] {
                guard let value else { continue }
                json.append(contentsOf: ",\"\(key)\":".utf8)
                JSONText.appendString(value, to: &json)
            }
            if destination.kind == "securityhub" {
                json.append(contentsOf: #","region":"#.utf8)
                JSONText.appendScalar(destination.region.map { .string($0) } ?? .null, to: &json)
            }
            json.append(UInt8(ascii: "}"))
        }
        json.append(contentsOf: #","batchSize":\#(header.batchSize),"startedAt":"#.utf8)
        JSONText.appendString(header.startedAt, to: &json)
        if let shard = header.shard {
            json.append(contentsOf: #","shard":{"index":\#(shard.index),"count":\#(shard.count)}"#.utf8)
        }
        json.append(UInt8(ascii: "}"))
        try writeEntry(json)
        try output.sync()
    }

    /// Records a finished batch, durably.
    /// With `durable: false` the entry is only written out to the file; ``syncWritten()`` then
    /// makes it (and every entry before it) durable, so that one `fsync` can cover the entries of
    /// several batches (group commit).
    package func appendBatch(_ batch: Int, records: [RecordOutcome], durable: Bool = true) throws(TriageIOError) {
        var json: [UInt8] = Array(#"{"kind":"batch","batch":\#(batch),"records":"#.utf8)
        Self.appendRecords(records, to: &json)
        json.append(UInt8(ascii: "}"))
        try writeEntry(json)
        if durable { try output.sync() } else { try output.flush() }
    }

    /// Records that a request is about to be sent (a batch's first try), so that the summary of a
    /// resumed run counts the requests of a killed run, those in flight at the kill included.
    /// Written out to the file (a write, no `fsync`: it survives the process, which is what a
    /// kill ends) before the request leaves.
    package func appendSent() throws(TriageIOError) {
        try writeEntry(Array(#"{"kind":"sent"}"#.utf8))
        try output.flush()
    }

    /// Makes every entry written out so far durable. The one call that may overlap the others
    /// (from another thread): it only `fsync`s the file.
    package func syncWritten() throws(TriageIOError) {
        try output.syncWritten()
    }

    /// Records failures found before any request (not synced on their own).
    package func appendFailed(_ records: [RecordOutcome]) throws(TriageIOError) {
        guard !records.isEmpty else { return }
        var json: [UInt8] = Array(#"{"kind":"failed","records":"#.utf8)
        Self.appendRecords(records, to: &json)
        json.append(UInt8(ascii: "}"))
        try writeEntry(json)
    }

    /// Closes the run: how it ended, and when.
    package func end(_ end: JournalEnd) throws(TriageIOError) {
        var json: [UInt8] = Array(#"{"kind":"end","finishedAt":"#.utf8)
        JSONText.appendString(end.finishedAt, to: &json)
        json.append(contentsOf: #","interrupted":\#(end.interrupted),"remaining":\#(end.remaining)"#.utf8)
        json.append(contentsOf: #","reported":\#(end.reported),"inputTimes":["#.utf8)
        for (index, time) in end.inputTimes.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(contentsOf: "[\(time.startedAt),\(time.finishedAt)]".utf8)
        }
        json.append(UInt8(ascii: "]"))
        if let remote = end.remote {
            json.append(contentsOf: #","remote":"#.utf8)
            JournalRemote.append(remote, to: &json)
        }
        json.append(UInt8(ascii: "}"))
        try writeEntry(json)
        try output.sync()
    }

    /// Syncs and closes; an `s3://` journal is uploaded (its local copy removed once it is).
    package func close() throws(TriageIOError) {
        try output.commit()
        guard let staged else { return }
        do throws(TriageIOError) {
            try RemoteObjects.store().upload(file: staged, to: path)
        } catch {
            throw TriageIOError(path: path, reason: "\(error.message); the journal is kept at \(staged)")
        }
        unlink(staged)
    }

    private func writeEntry(_ json: [UInt8]) throws(TriageIOError) {
        let crc = json.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        let hex = String(crc, radix: 16)
        var line = Array((String(repeating: "0", count: 8 - hex.count) + hex + " ").utf8)
        line.reserveCapacity(line.count + json.count + 1)
        line.append(contentsOf: json)
        line.append(0x0A)
        if let gzip {
            try gzip.write(line)
            try gzip.endMember()
        } else {
            try output.write(line)
        }
    }

    /// `[[sequence,input,line,id,productArn,code,message],...]`; code and message are null when processed;
    /// an unconfirmed failure (its update may be in effect) has an eighth field, `1`. A record whose
    /// account (``FindingAccount``) is not the account field of its `Id` has an eighth field `0` or
    /// `1` (unconfirmed) and a ninth, the account; an account the `Id` gives is not written.
    private static func appendRecords(_ records: [RecordOutcome], to json: inout [UInt8]) {
        json.append(UInt8(ascii: "["))
        for (index, record) in records.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            let reference = record.reference
            json.append(contentsOf: "[\(reference.sequence),\(reference.source.input),\(reference.source.line),".utf8)
            JSONText.appendScalar(reference.id.map { .string($0) } ?? .null, to: &json)
            json.append(UInt8(ascii: ","))
            JSONText.appendScalar(reference.productArn.map { .string($0) } ?? .null, to: &json)
            json.append(UInt8(ascii: ","))
            JSONText.appendScalar(record.outcome.errorCode.map { .string($0.rawValue) } ?? .null, to: &json)
            json.append(UInt8(ascii: ","))
            JSONText.appendScalar(record.outcome.errorMessage.map { .string($0) } ?? .null, to: &json)
            let writtenAccount = reference.account.flatMap { account in
                account == reference.id.flatMap(FindingAccount.fromARN) ? nil : account
            }
            if let writtenAccount {
                json.append(contentsOf: (record.outcome.isUnconfirmed ? ",1," : ",0,").utf8)
                JSONText.appendString(writtenAccount, to: &json)
            } else if record.outcome.isUnconfirmed {
                json.append(contentsOf: ",1".utf8)
            }
            json.append(UInt8(ascii: "]"))
        }
        json.append(UInt8(ascii: "]"))
    }
}
