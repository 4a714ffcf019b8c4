import TriageCore
import TriageStore

/// `BatchImportFindings` (`POST /findings/import`): the findings taken out of the body by byte
/// range (each is stored byte for byte, `batchupdatefindings.md` §5), and the answer's JSON.
enum BatchImportFindingsOperation {
    /// Takes the findings out of a request body.
    /// - Throws: `InvalidInputException` when the body is not JSON, has a member other than
    ///   `Findings`, or `Findings` is not a list of 1 to 100 findings.
    static func decode(_ body: [UInt8]) throws(WireError) -> [[UInt8]] {
        // Parsed once whole, for the strict checks and a clear message; then split by byte range.
        let object = try RequestBody.members(of: body, operation: .batchImportFindings)
        try RequestBody.checkMembers(object, allowed: ["Findings"], shape: "BatchImportFindingsRequest")
        guard let findings = object.first(where: { $0.key == "Findings" }) else {
            throw .invalidInput("Findings: is required")
        }
        guard case .array(let elements) = findings.value else {
            throw .invalidInput("Findings: must be a list of findings, not \(findings.value.typeName)")
        }
        guard ServeLimits.importFindingsPerRequest.contains(elements.count) else {
            throw .invalidInput("Findings: has \(elements.count) entries; a request takes 1 to 100")
        }
        let ranges: [Range<Int>]
        do {
            ranges = try body.withUnsafeBytes { (buffer) throws(JSONParseError) -> [Range<Int>] in
                let layout = try JSONObjectLayout.scan(buffer)
                guard let member = layout.first(named: "Findings", in: buffer) else { return [] }
                return try JSONArrayLayout.elements(in: buffer, arrayAt: member.value.lowerBound)
            }
        } catch {
            throw .invalidInput("The request body is not valid JSON (\(error))")
        }
        return ranges.map { Array(body[$0]) }
    }

    /// `{"FailedCount": n, "SuccessCount": n, "FailedFindings": [{Id, ErrorCode, ErrorMessage}]}`.
    static func answer(_ outcomes: [ImportOutcome]) -> [UInt8] {
        var failed: [(id: String, code: ErrorCode, message: String)] = []
        for case .failed(let id, let code, let message) in outcomes { failed.append((id ?? "", code, message)) }
        var out = Array(#"{"FailedCount":\#(failed.count),"SuccessCount":\#(outcomes.count - failed.count),"#.utf8)
        out.append(contentsOf: #""FailedFindings":["#.utf8)
        for (index, failure) in failed.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"Id":"#.utf8)
            JSONText.appendString(failure.id, to: &out)
            out.append(contentsOf: #","ErrorCode":"#.utf8)
            JSONText.appendString(failure.code.rawValue, to: &out)
            out.append(contentsOf: #","ErrorMessage":"#.utf8)
            JSONText.appendString(failure.message, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
