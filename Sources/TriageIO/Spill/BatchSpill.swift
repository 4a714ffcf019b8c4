import Synchronization
import TriageCore

#if canImport(Glibc)
import Glibc
#endif

/// A first-in, first-out temporary file of ``PlannedBatch``es: where a Region's batches wait when
/// its lane has no room in memory, so that the planning thread can go on for the other Regions
/// while memory stays bounded.
///
/// The file is unlinked as soon as it is open (as ``RecordSpool``): it lives on through its
/// descriptor, so a run that is killed leaves nothing behind. Each batch is one `pwrite` of a
/// 4-byte little-endian length and ``PlannedBatchBytes``, nothing buffered, so a failed write
/// leaves every batch appended before it intact (the file is cut back to them). When the last
/// batch has been taken the file is truncated, so its size is what still waits, not what went
/// through.
///
/// Not thread-safe: its owner calls it under a lock of its own.
package final class BatchSpill {
    /// Where the file was created; the name is gone once it is open.
    package let path: String
    private let descriptor: Int32
    private var closed = false
    private var readOffset: off_t = 0
    private var writeOffset: off_t = 0
    /// Batches appended and not taken yet.
    package private(set) var count = 0
    /// The members of those batches, by input (what a run that stops leaves for `--resume`).
    package private(set) var recordsByInput: [Int: Int] = [:]
    /// The update of the batch taken last: consecutive batches often share one, and then share
    /// one instance (and one decoding).
    private var lastUpdate: CanonicalUpdate?

    /// Spills of one process get a number each, so that two in the same directory never meet.
    private static let created = Atomic<Int>(0)

    /// Creates a spill file `triage-KIND-PID-N.bin` in `directory` and unlinks it at once (a name
    /// left there by an earlier process with the same PID is skipped).
    package init(directory: String, kind: String) throws(TriageIOError) {
        while true {
            let number = Self.created.add(1, ordering: .relaxed).newValue
            let path = "\(directory)/triage-\(kind)-\(getpid())-\(number).bin"
            let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor >= 0 {
                unlink(path)
                self.path = path
                self.descriptor = descriptor
                return
            }
            let code = errno
            if code == EEXIST, number < 1_000_000 { continue }
            throw TriageIOError(path: path, "cannot create", errno: code)
        }
    }

    deinit {
        close()
    }

    /// Appends `batch` at the end. On failure nothing of it stays in the file (the batches
    /// appended before are intact) and ``count`` is unchanged.
    package func append(_ batch: PlannedBatch) throws(TriageIOError) {
        var bytes: [UInt8] = [0, 0, 0, 0]
        PlannedBatchBytes.append(batch, to: &bytes)
        let length = UInt32(bytes.count - 4)
        for index in 0..<4 { bytes[index] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(index))) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { buffer in
                pwrite(descriptor, buffer.baseAddress, buffer.count, writeOffset + off_t(written))
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                _ = ftruncate(descriptor, writeOffset)
                throw TriageIOError(path: path, "cannot write a batch to the lane's temporary file", errno: code)
            }
            written += result
        }
        writeOffset += off_t(bytes.count)
        count += 1
        for member in batch.members { recordsByInput[member.source.input, default: 0] += 1 }
    }

    /// Takes the first batch still in the file. Precondition: ``count`` > 0.
    /// - Throws: when the file cannot be read or what it holds is not a batch; nothing is taken.
    package func next() throws(TriageIOError) -> PlannedBatch {
        precondition(count > 0, "no batch to take")
        let header = try read(4, at: readOffset)
        let length = header.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let bytes = try read(length, at: readOffset + 4)
        let batch = PlannedBatchBytes.decode(bytes) { json in
            if let last = lastUpdate, last.canonicalJSON == json { return last }
            return CanonicalUpdate.decoding(canonicalJSON: json)
        }
        guard let batch else {
            throw TriageIOError(path: path, reason: "a batch read back from the lane's temporary file is damaged")
        }
        lastUpdate = batch.update
        readOffset += off_t(4 + length)
        count -= 1
        for member in batch.members {
            recordsByInput[member.source.input, default: 0] -= 1
            if recordsByInput[member.source.input] == 0 { recordsByInput[member.source.input] = nil }
        }
        if count == 0 {
            // Nothing waits: give the space back.
            _ = ftruncate(descriptor, 0)
            readOffset = 0
            writeOffset = 0
        }
        return batch
    }

    /// Closes the descriptor, which frees the file's space (its name went at creation).
    package func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    private func read(_ length: Int, at offset: off_t) throws(TriageIOError) -> [UInt8] {
        guard offset + off_t(length) <= writeOffset else {
            throw TriageIOError(path: path, reason: "a batch read back from the lane's temporary file is damaged")
        }
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, length - done, offset + off_t(done))
            }
            if result < 0 {
                let code = errno
                if code == EINTR { continue }
                throw TriageIOError(path: path, "cannot read the lane's temporary file", errno: code)
            }
            if result == 0 {
                throw TriageIOError(path: path, reason: "the lane's temporary file ended before its last batch")
            }
            done += result
        }
        return bytes
    }
}
