import TriageCore

/// The JSON body of a request, parsed strictly (RFC 8259, UTF-8, no duplicate handling beyond
/// what each operation checks). An empty body counts as `{}`, as REST-JSON services read it.
enum RequestBody {
    /// The members of the body's top-level object.
    /// - Throws: `InvalidInputException` naming the byte where the body stops being JSON, or
    ///   saying that it is not an object.
    static func members(of body: [UInt8], operation: ServeOperation) throws(WireError) -> [JSONMember] {
        if body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return [] }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .invalidInput("The request body is not valid JSON (\(error))")
        }
        guard case .object(let members) = value else {
            throw .invalidInput(
                "The request body must be a JSON object (\(operation.rawValue)Request), not \(value.typeName)")
        }
        return members
    }

    /// `InvalidInputException` for the first member of `members` outside `allowed`, with a
    /// did-you-mean; and for a member given twice.
    static func checkMembers(_ members: [JSONMember], allowed: [String], shape: String) throws(WireError) {
        var seen = Set<String>()
        for member in members {
            guard allowed.contains(member.key) else {
                let hint = NameSuggestion.nearest(to: member.key, among: allowed).map { " (did you mean \($0)?)" } ?? ""
                throw .invalidInput("\(member.key): is not a member of \(shape)\(hint)")
            }
            guard seen.insert(member.key).inserted else {
                throw .invalidInput("\(member.key): is given twice")
            }
        }
    }
}

/// JSON output of the operations' answers.
enum ResponseJSON {
    /// `{"Id": ..., "ProductArn": ...}`.
    static func append(_ identifier: FindingIdentifier, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"Id":"#.utf8)
        JSONText.appendString(identifier.id, to: &out)
        out.append(contentsOf: #","ProductArn":"#.utf8)
        JSONText.appendString(identifier.productArn, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The error body `{"Code": ..., "Message": ...}`.
    static func error(_ error: WireError) -> [UInt8] {
        var out = Array(#"{"Code":"#.utf8)
        JSONText.appendString(error.name, to: &out)
        out.append(contentsOf: #","Message":"#.utf8)
        JSONText.appendString(error.message, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
