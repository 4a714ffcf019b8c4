import TriageCore

/// STS's XML answers (aws-wire.md §6.2): `AssumeRoleResponse`, `GetCallerIdentityResponse` and
/// the Query protocol's `ErrorResponse`, in STS's namespace, each with its request id.
enum STSAnswerXML {
    /// The namespace of every STS answer.
    static let namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

    /// `<AssumeRoleResponse>` for `session` (a credential with a session token and an expiry, and
    /// an assumed-role identity).
    static func assumeRole(session: ServeCredential, requestId: String) -> [UInt8] {
        let expiration = Self.expiration(milliseconds: session.expiresAt ?? 0)
        return response(
            "AssumeRole",
            result: element(
                "Credentials",
                [
                    element("AccessKeyId", text: session.accessKeyId),
                    element("SecretAccessKey", text: session.secretAccessKey),
                    element("SessionToken", text: session.sessionToken ?? ""),
                    element("Expiration", text: expiration),
                ])
                + element(
                    "AssumedRoleUser",
                    [
                        element("AssumedRoleId", text: session.identity.userId(account: session.account)),
                        element("Arn", text: session.arn),
                    ]), requestId: requestId)
    }

    /// `<GetCallerIdentityResponse>` for `credential`'s identity.
    static func callerIdentity(_ credential: ServeCredential, requestId: String) -> [UInt8] {
        response(
            "GetCallerIdentity",
            result: element("Arn", text: credential.arn)
                + element("UserId", text: credential.identity.userId(account: credential.account))
                + element("Account", text: credential.account), requestId: requestId)
    }

    /// `<ErrorResponse>` for `error`.
    static func error(_ error: STSQueryError, requestId: String) -> [UInt8] {
        let body =
            "<ErrorResponse xmlns=\"\(namespace)\">"
            + element(
                "Error",
                [
                    element("Type", text: error.isSender ? "Sender" : "Receiver"), element("Code", text: error.code),
                    element("Message", text: error.message),
                ]) + element("RequestId", text: requestId) + "</ErrorResponse>\n"
        return Array(body.utf8)
    }

    /// An STS date-time: RFC 3339 UTC to the second, `2026-12-02T16:00:00Z`.
    static func expiration(milliseconds: Int64) -> String {
        let seconds = milliseconds - ((milliseconds % 1000) + 1000) % 1000
        let text = Timestamp.rfc3339(milliseconds: seconds)
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }

    private static func response(_ operation: String, result: String, requestId: String) -> [UInt8] {
        let body =
            "<\(operation)Response xmlns=\"\(namespace)\">" + element("\(operation)Result", text: nil, raw: result)
            + element("ResponseMetadata", [element("RequestId", text: requestId)]) + "</\(operation)Response>\n"
        return Array(body.utf8)
    }

    private static func element(_ name: String, _ children: [String]) -> String {
        element(name, text: nil, raw: children.joined())
    }

    private static func element(_ name: String, text: String?, raw: String = "") -> String {
        "<\(name)>\(text.map(escaped) ?? raw)</\(name)>"
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` as entities.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
