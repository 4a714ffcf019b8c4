import TriageCore

/// A `200` answer of `BatchUpdateFindings` (`batchupdatefindings.md` §2): the findings
/// processed, and those not, each with its `ErrorCode` and `ErrorMessage`.
struct BatchUpdateAnswer: Sendable, Equatable {
    var processed: [FindingIdentifier]
    var unprocessed: [AttemptAnswer.Unprocessed]

    /// The answer in `body`, or why it is none (``SecurityHubError/Code/unreadableAnswer``, its
    /// message a few words for the record's message). Both lists must be there as arrays: the service
    /// model marks `ProcessedFindings` and `UnprocessedFindings` required and the service always
    /// sends both, so an empty body, `{}` or nulls are not an answer that processed nothing but
    /// an answer that did not arrive whole (the request is tried again). Unknown members are
    /// ignored, as botocore does; an entry without its identifier makes the whole answer
    /// unreadable; an unprocessed entry without `ErrorCode` is `InternalFailure`.
    static func parse(_ body: [UInt8]) -> Result<BatchUpdateAnswer, SecurityHubError> {
        let trimmed = body.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if trimmed.isEmpty { return .failure(SecurityHubError(.unreadableAnswer, "an empty body")) }
        guard let root = try? JSONParser.parse(body) else {
            return .failure(SecurityHubError(.unreadableAnswer, "not JSON"))
        }
        guard case .object = root else {
            return .failure(SecurityHubError(.unreadableAnswer, "JSON that is not an object"))
        }
        var answer = BatchUpdateAnswer(processed: [], unprocessed: [])
        guard case .array(let processed) = root[key: "ProcessedFindings"] else {
            return .failure(SecurityHubError(.unreadableAnswer, "JSON without the ProcessedFindings list"))
        }
        guard case .array(let unprocessed) = root[key: "UnprocessedFindings"] else {
            return .failure(SecurityHubError(.unreadableAnswer, "JSON without the UnprocessedFindings list"))
        }
        for entry in processed {
            guard let identifier = Self.identifier(entry) else {
                return .failure(
                    SecurityHubError(.unreadableAnswer, "a ProcessedFindings entry without Id and ProductArn"))
            }
            answer.processed.append(identifier)
        }
        for entry in unprocessed {
            guard let identifier = entry[key: "FindingIdentifier"].flatMap(Self.identifier) else {
                return .failure(
                    SecurityHubError(.unreadableAnswer, "an UnprocessedFindings entry without its FindingIdentifier"))
            }
            var code = "InternalFailure"
            if case .string(let text) = entry[key: "ErrorCode"], !text.isEmpty { code = text }
            var message = ""
            if case .string(let text) = entry[key: "ErrorMessage"] { message = text }
            answer.unprocessed.append(.init(identifier: identifier, code: code, message: message))
        }
        return .success(answer)
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
