import TriageCore

/// `GetFindings` (`POST /findings`): the query decoded by ``FindingsQuery`` and the answer's JSON.
enum GetFindingsOperation {
    /// Decodes a request body.
    /// - Throws: `InvalidInputException` with the query's problem.
    static func decode(_ body: [UInt8]) throws(ServerError) -> FindingsQuery {
        let object = try RequestBody.members(of: body, operation: .getFindings)
        do {
            return try FindingsQuery(getFindingsRequest: object)
        } catch {
            throw .invalidInput(error.message)
        }
    }

    /// `{"Findings": [...], "NextToken": ...}`; the findings are the store's composed documents,
    /// as `triage export` writes them; no `NextToken` on the last page.
    static func answer(findings: [[UInt8]], nextToken: String?) -> [UInt8] {
        var out = Array(#"{"Findings":["#.utf8)
        for (index, finding) in findings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: finding)
        }
        out.append(UInt8(ascii: "]"))
        if let nextToken {
            out.append(contentsOf: #","NextToken":"#.utf8)
            JSONText.appendString(nextToken, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
