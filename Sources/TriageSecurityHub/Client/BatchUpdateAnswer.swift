import TriageCore

/// A `200` answer of `BatchUpdateFindings` (`batchupdatefindings.md` §2): the findings
/// processed, and those not, each with its `ErrorCode` and `ErrorMessage`.
struct BatchUpdateAnswer: Sendable, Equatable {
    /// One entry of `UnprocessedFindings`.
    struct Unprocessed: Sendable, Equatable {
        var identifier: FindingIdentifier
        var code: String
        var message: String
    }

    var processed: [FindingIdentifier]
    var unprocessed: [Unprocessed]

    /// The answer in `body`; nil when it is not such an answer (not JSON, not an object, an
    /// entry without its identifier). Unknown members are ignored, as botocore does; a missing
    /// list is empty (an empty `200` body parses to `{}` in botocore).
    static func parse(_ body: [UInt8]) -> BatchUpdateAnswer? {
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.isEmpty { return BatchUpdateAnswer(processed: [], unprocessed: []) }
        guard let root = try? JSONParser.parse(body), case .object = root else { return nil }
        var answer = BatchUpdateAnswer(processed: [], unprocessed: [])
        switch root[key: "ProcessedFindings"] {
        case .array(let entries):
            for entry in entries {
                guard let identifier = Self.identifier(entry) else { return nil }
                answer.processed.append(identifier)
            }
        case nil, .null: break
        default: return nil
        }
        switch root[key: "UnprocessedFindings"] {
        case .array(let entries):
            for entry in entries {
                guard let identifier = entry[key: "FindingIdentifier"].flatMap(Self.identifier) else { return nil }
                var code = "InternalFailure"
                if case .string(let text) = entry[key: "ErrorCode"] { code = text }
                var message = ""
                if case .string(let text) = entry[key: "ErrorMessage"] { message = text }
                answer.unprocessed.append(Unprocessed(identifier: identifier, code: code, message: message))
            }
        case nil, .null: break
        default: return nil
        }
        return answer
    }

    private static func identifier(_ value: JSONValue) -> FindingIdentifier? {
        guard case .string(let id) = value[key: "Id"], case .string(let productArn) = value[key: "ProductArn"] else {
            return nil
        }
        return FindingIdentifier(id: id, productArn: productArn)
    }
}

/// An error answer (status ≥ 300), its code found as botocore finds it (`aws-wire.md` §1.7):
/// the `x-amzn-ErrorType` header, else the body's `code`, `Code`, then `__type`; each stripped
/// of a `:...` suffix and a `namespace#` prefix. A 5xx with an empty or HTML body has no code
/// (botocore names it by its status).
struct ServiceErrorAnswer: Sendable, Equatable {
    /// The error's name, nil when the answer gives none.
    var code: String?
    /// The body's `message` or `Message`; empty when it has none.
    var message: String

    static func parse(status: Int, errorTypeHeader: String?, body: [UInt8]) -> ServiceErrorAnswer {
        let root = try? JSONParser.parse(body)
        var message = ""
        if case .string(let text) = root?[key: "message"] {
            message = text
        } else if case .string(let text) = root?[key: "Message"] {
            message = text
        } else if root == nil, !body.isEmpty, status < 500 || !Self.looksLikeHTML(body) {
            message = String(decoding: body.prefix(200), as: UTF8.self)
        }
        var code: String?
        if let header = errorTypeHeader, !header.isEmpty {
            code = header
        } else {
            for key in ["code", "Code", "__type"] {
                if case .string(let text) = root?[key: key], !text.isEmpty {
                    code = text
                    break
                }
            }
        }
        return ServiceErrorAnswer(code: code.map(Self.stripped), message: message)
    }

    /// `ns#Name:detail` → `Name`.
    static func stripped(_ code: String) -> String {
        var name = Substring(code)
        if let colon = name.firstIndex(of: ":") { name = name[..<colon] }
        if let hash = name.lastIndex(of: "#") { name = name[name.index(after: hash)...] }
        return String(name)
    }

    private static func looksLikeHTML(_ body: [UInt8]) -> Bool {
        let head = String(decoding: body.prefix(64), as: UTF8.self).lowercased()
        return head.trimmingPrefixWhitespace.hasPrefix("<")
    }
}

extension String {
    fileprivate var trimmingPrefixWhitespace: Substring { drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" } }
}
