import TriageCore

/// The JSON body of a request, parsed strictly (RFC 8259, UTF-8, no duplicate handling beyond
/// what each operation checks). An empty body counts as `{}`, as REST-JSON services read it.
enum RequestBody {
    /// The members of the body's top-level object.
    /// - Throws: `InvalidInputException` naming the byte where the body stops being JSON, or
    ///   saying that it is not an object.
    static func members(of body: [UInt8], operation: ServeOperation) throws(ServerError) -> [JSONMember] {
        if isBlank(body) { return [] }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .invalidInput("The request body is not valid JSON (\(error))")
        }
        guard case .object(let members) = value else { throw notAnObject(value, operation: operation) }
        return members
    }

    /// Whether `body` is empty or whitespace only (read as `{}`).
    static func isBlank(_ body: [UInt8]) -> Bool {
        body.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
    }

    /// The error for a body that is valid JSON but not an object.
    static func notAnObject(_ value: JSONValue, operation: ServeOperation) -> ServerError {
        .invalidInput("The request body must be a JSON object (\(operation.rawValue)Request), not \(value.typeName)")
    }

    /// The error for a body a scan refused: not JSON at all, or JSON but not an object.
    static func notAnObject(_ body: [UInt8], operation: ServeOperation, error: CoreError) -> ServerError {
        if let value = try? JSONParser.parse(body) { return notAnObject(value, operation: operation) }
        return .invalidInput("The request body is not valid JSON (\(error))")
    }

    /// `InvalidInputException` for the first of `keys` outside `allowed` (with a did-you-mean),
    /// or given twice, in the one wording of ``JSONProblem``.
    static func checkMembers(_ keys: [String], allowed: [String], shape: String) throws(ServerError) {
        try JSONObjectReader.checkNames(keys, allowed: allowed, shape: shape) { ServerError.invalidInput($0) }
    }
}

/// JSON output of the operations' answers.
enum ResponseJSON {
    /// The error body `{"Code": ..., "Message": ...}`.
    static func error(name: String, message: String) -> [UInt8] {
        var out = Array(#"{"Code":"#.utf8)
        JSONText.appendString(name, to: &out)
        out.append(contentsOf: #","Message":"#.utf8)
        JSONText.appendString(message, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
