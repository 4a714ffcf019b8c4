import TriageIO

#if canImport(Glibc)
import Glibc
#endif

/// `--resume` with `s3://` journals and inputs (`docs/s3.md`).
extension ResumePoint {
    /// Whether there is a journal at `path`: a file, or an `s3://` object.
    static func journalExists(_ path: String) throws(JobError) -> Bool {
        guard RemoteObjects.isRemote(path) else { return access(path, F_OK) == 0 }
        do {
            return try RemoteObjects.exists(path)
        } catch {
            throw JobError(.badInput, "cannot resume: the journal \(path): \(error.message)")
        }
    }

    /// For the refusal of a journal whose inputs changed: the `s3://` inputs whose ETag is not the
    /// one recorded (` (s3://b/k: ETag "a" then, "b" now)`), empty when none is.
    static func changedObjects(_ header: JournalHeader, fingerprints: [String]) -> String {
        var changes: [String] = []
        for (index, input) in header.inputs.enumerated() where RemoteObjects.isRemote(input) {
            guard index < header.fingerprints.count, index < fingerprints.count,
                header.fingerprints[index] != fingerprints[index]
            else { continue }
            func tag(_ fingerprint: String) -> String {
                fingerprint.hasPrefix("etag:") ? "ETag " + fingerprint.dropFirst("etag:".count) : "no object"
            }
            changes.append(
                "\(input): \(tag(header.fingerprints[index])) then, \(tag(fingerprints[index])) now")
        }
        return changes.isEmpty ? "" : " (the S3 object changed: " + changes.joined(separator: "; ") + ")"
    }
}
