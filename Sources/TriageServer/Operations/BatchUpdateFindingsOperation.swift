import TriageCore

/// `BatchUpdateFindings` (`PATCH /findings/batchupdate`): the request decoded and checked with
/// the same decoder and rules as `triage apply` (`UpdateDraft`, `batchupdatefindings.md` §1), and
/// the answer's JSON.
enum BatchUpdateFindingsOperation {
    /// A request that satisfies §1.
    struct Request: Sendable {
        /// The identifiers, in request order (duplicates kept: the store reports them).
        var identifiers: [FindingIdentifier]
        /// The update every identifier gets.
        var update: FindingUpdate
    }

    /// The members `BatchUpdateFindingsRequest` has.
    static let members = ["FindingIdentifiers"] + Limits.updateMembers

    /// Decodes and checks a request body.
    /// - Throws: `InvalidInputException` listing every problem (`Field: problem`), for any rule of
    ///   §1 broken: the request is rejected whole, nothing is applied.
    static func decode(_ body: [UInt8]) throws(ServerError) -> Request {
        let object = try RequestBody.members(of: body, operation: .batchUpdateFindings)
        try RequestBody.checkMembers(object.map(\.key), allowed: members, shape: "BatchUpdateFindingsRequest")
        guard object.contains(where: { $0.key == "FindingIdentifiers" }) else {
            throw .invalidInput("FindingIdentifiers: is required")
        }
        var problems: [String] = []
        var identifiers: [FindingIdentifier] = []
        var update: FindingUpdate?
        for verdict in UpdateDraft(decisionObject: object).validate() {
            switch verdict {
            case .valid(let identifier, let canonical, _):
                identifiers.append(identifier)
                update = canonical.update
            case .invalid(_, let issues):
                for issue in issues where !problems.contains(issue.description) { problems.append(issue.description) }
            }
        }
        guard problems.isEmpty, let update else {
            throw .invalidInput(problems.isEmpty ? "The request is not valid" : problems.joined(separator: "; "))
        }
        return Request(identifiers: identifiers, update: update)
    }

    /// `{"ProcessedFindings": [...], "UnprocessedFindings": [...]}`, both lists always present,
    /// each in request order.
    static func answer(identifiers: [FindingIdentifier], outcomes: [Outcome]) -> [UInt8] {
        var out = Array(#"{"ProcessedFindings":["#.utf8)
        var first = true
        for (identifier, outcome) in zip(identifiers, outcomes) where outcome.isProcessed {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendIdentifier(identifier, to: &out)
        }
        out.append(contentsOf: #"],"UnprocessedFindings":["#.utf8)
        first = true
        for (identifier, outcome) in zip(identifiers, outcomes) {
            guard case .failed(let code, let message) = outcome else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: #"{"FindingIdentifier":"#.utf8)
            JSONText.appendIdentifier(identifier, to: &out)
            out.append(contentsOf: #","ErrorCode":"#.utf8)
            JSONText.appendString(code.rawValue, to: &out)
            out.append(contentsOf: #","ErrorMessage":"#.utf8)
            JSONText.appendString(message, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
