import CLibXML2

/// Reads STS's XML answers with libxml2: the `Credentials` of an `AssumeRole*Response` and the `Code` and
/// `Message` of an `ErrorResponse`. Elements are matched by local name, whatever their namespace.
package enum STSResponse {
    /// An element: local name, text and children.
    private struct Element {
        var name: String
        var text: String
        var children: [Element]

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        func descendant(_ name: String) -> Element? {
            for child in children {
                if child.name == name { return child }
                if let found = child.descendant(name) { return found }
            }
            return nil
        }
    }

    /// The credentials of a successful `action` answer; the account is read from `AssumedRoleUser/Arn`.
    package static func credentials(_ body: [UInt8], action: String) throws(SecurityHubError) -> AWSCredentials {
        guard let root = parse(body) else {
            throw SecurityHubError(.retrievalFailed, "STS \(action) answered with something that is not XML")
        }
        guard let result = root.child("\(action)Result"), let credentials = result.child("Credentials") else {
            throw SecurityHubError(.retrievalFailed, "STS \(action) answer has no \(action)Result/Credentials")
        }
        func value(_ name: String) throws(SecurityHubError) -> String {
            guard let text = credentials.child(name)?.text.trimmingWhitespace, !text.isEmpty else {
                throw SecurityHubError(.retrievalFailed, "STS \(action) answer has no Credentials/\(name)")
            }
            return text
        }
        let expirationText = try value("Expiration")
        guard let expiration = CredentialDocument.epochMilliseconds(iso8601: expirationText) else {
            throw SecurityHubError(.retrievalFailed, "STS \(action) answer: Expiration is not an ISO 8601 date-time")
        }
        let arn = result.child("AssumedRoleUser")?.child("Arn")?.text.trimmingWhitespace
        return AWSCredentials(
            accessKeyId: try value("AccessKeyId"), secretAccessKey: try value("SecretAccessKey"),
            sessionToken: try value("SessionToken"), expiration: expiration, accountId: arn.flatMap(accountId(ofARN:)))
    }

    /// `: Code: Message` from an `ErrorResponse` body (the message cut at 300 characters), or "" when the body is
    /// not one.
    package static func errorDetail(_ body: [UInt8]) -> String {
        let (code, message) = errorParts(body)
        switch (code.isEmpty, message.isEmpty) {
        case (true, true): return ""
        case (false, true): return " \(code)"
        case (true, false): return ": \(message)"
        case (false, false): return " \(code): \(message)"
        }
    }

    /// The code and message of an error answer (empty when absent or unreadable); the message on
    /// one line, at most 300 characters.
    package static func errorParts(_ body: [UInt8]) -> (code: String, message: String) {
        guard let root = parse(body), let error = root.name == "Error" ? root : root.descendant("Error") else {
            return ("", "")
        }
        let code = error.child("Code")?.text.trimmingWhitespace ?? ""
        let message = String((error.child("Message")?.text.trimmingWhitespace ?? "").replacingLineBreaks.prefix(300))
        return (code, message)
    }

    /// The account id of an ARN (`arn:aws:sts::123456789012:assumed-role/…`).
    package static func accountId(ofARN arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[4].count == 12, parts[4].allSatisfy(\.isNumber) else {
            return nil
        }
        return String(parts[4])
    }

    private static func parse(_ body: [UInt8]) -> Element? {
        guard !body.isEmpty, body.count < Int(Int32.max) else { return nil }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = body.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                xmlReadMemory($0, Int32(buffer.count), nil, nil, options)
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return element(root)
    }

    private static func element(_ node: xmlNodePtr) -> Element {
        var result = Element(name: String(cString: node.pointee.name), text: "", children: [])
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                result.children.append(element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { result.text += String(cString: content) }
            default:
                break
            }
            child = current.pointee.next
        }
        return result
    }
}

/// An STS error answer (`<ErrorResponse><Error><Code>…`): its status, code and message as STS
/// wrote them, carried as a ``SecurityHubError``'s `underlying` so that a caller can tell a role
/// refused (`AccessDenied`) from STS not answering.
package struct STSRefusal: Error, Sendable, Equatable {
    /// The HTTP status.
    package var status: Int
    /// STS's error code (`AccessDenied`, `ValidationError`, …); `HTTP <status>` without one.
    package var code: String
    /// STS's message, one line, at most 300 characters.
    package var message: String

    /// The refusal of an error answer's body.
    package init(status: Int, body: [UInt8]) {
        self.status = status
        let parsed = STSResponse.errorParts(body)
        code = parsed.code.isEmpty ? "HTTP \(status)" : parsed.code
        message = parsed.message
    }

    /// Whether the answer says something about the request or the role that asking again will
    /// not change (a 4xx other than throttling), rather than STS failing (5xx, throttled).
    package var isFinal: Bool {
        (400..<500).contains(status) && !["Throttling", "ThrottlingException", "IDPCommunicationError"].contains(code)
    }
}
