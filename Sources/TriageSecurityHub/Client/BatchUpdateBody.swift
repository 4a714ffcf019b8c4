import TriageCore

/// The body of one `BatchUpdateFindings` request: the findings to send and the batch's
/// canonical update, as the API takes them (`{"FindingIdentifiers": [...], "Note": ..., ...}`).
enum BatchUpdateBody {
    /// The JSON bytes for `members` of `batch` (indexes into its members).
    static func make(_ batch: PlannedBatch, members: [Int]) -> [UInt8] {
        let update = batch.update.canonicalJSON
        var out: [UInt8] = []
        out.reserveCapacity(update.count + 24 + members.count * 160)
        out.append(contentsOf: #"{"FindingIdentifiers":["#.utf8)
        for (position, index) in members.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendIdentifier(batch.members[index].identifier, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        // The canonical update is an object with at least one member: `{` becomes `,`.
        if update.count > 2 {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: update.dropFirst())
        } else {
            out.append(UInt8(ascii: "}"))
        }
        return out
    }
}
