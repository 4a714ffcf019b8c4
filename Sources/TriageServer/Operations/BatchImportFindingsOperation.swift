import TriageCore
import TriageStore

/// `BatchImportFindings` (`POST /findings/import`): the findings taken out of the body by byte
/// range (each is stored byte for byte, `batchupdatefindings.md` §5), and the answer's JSON.
enum BatchImportFindingsOperation {
    /// Takes the findings out of a request body, scanning it once (a body may hold 6 MB of
    /// findings: no tree is built for them).
    /// - Throws: `InvalidInputException` when the body is not JSON, has a member other than
    ///   `Findings`, or `Findings` is not a list of 1 to 100 findings.
    static func decode(_ body: [UInt8]) throws(ServerError) -> [[UInt8]] {
        if RequestBody.isBlank(body) { throw .invalidInput("Findings: is required") }
        let scanned = body.withUnsafeBytes {
            buffer -> Result<(keys: [String], findings: Range<Int>?), CoreError> in
            Result { () throws(CoreError) in
                let layout = try JSONObjectLayout.scan(buffer)
                return (
                    layout.members.map { JSONObjectLayout.key(of: $0, in: buffer) },
                    layout.first(named: "Findings", in: buffer)?.value
                )
            }
        }
        let keys: [String]
        let findings: Range<Int>?
        do {
            (keys, findings) = try scanned.get()
        } catch {
            throw RequestBody.notAnObject(body, operation: .batchImportFindings, error: error)
        }
        try RequestBody.checkMembers(keys, allowed: ["Findings"], shape: "BatchImportFindingsRequest")
        guard let findings else { throw .invalidInput("Findings: is required") }
        guard body[findings.lowerBound] == UInt8(ascii: "[") else {
            let type = (try? JSONParser.parse(Array(body[findings])))?.typeName ?? "another value"
            throw .invalidInput("Findings: must be a list of findings, not \(type)")
        }
        let ranges: [Range<Int>]
        do {
            ranges = try body.withUnsafeBytes { (buffer) throws(CoreError) -> [Range<Int>] in
                try JSONArrayLayout.elements(in: buffer, arrayAt: findings.lowerBound)
            }
        } catch {
            throw .invalidInput("The request body is not valid JSON (\(error))")
        }
        guard ServeLimits.importFindingsPerRequest.contains(ranges.count) else {
            throw .invalidInput("Findings: has \(ranges.count) entries; a request takes 1 to 100")
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
