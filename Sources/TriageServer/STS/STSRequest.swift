/// An STS Query request (`POST /`, `application/x-www-form-urlencoded`, aws-wire.md §6.2)
/// decoded: the operation and its parameters, checked as STS checks them.
package enum STSRequest: Sendable, Equatable {
    /// `AssumeRole`.
    case assumeRole(AssumeRole)
    /// `GetCallerIdentity`.
    case getCallerIdentity

    /// The parameters of `AssumeRole` serve acts on.
    package struct AssumeRole: Sendable, Equatable {
        /// `RoleArn`, as sent (20 to 2048 characters; not necessarily a role ARN).
        package var roleArn: String
        /// `RoleSessionName`, 2 to 64 characters of `[\w+=,.@-]`.
        package var sessionName: String
        /// `DurationSeconds`, 900...43200; 3600 when not sent.
        package var durationSeconds: Int
        /// `ExternalId`, if sent.
        package var externalId: String?
    }

    /// The only API version of STS.
    package static let version = "2011-06-15"
    /// The STS operations serve does not emulate (answered `InvalidAction` with a message saying
    /// so, rather than as unknown names).
    static let otherOperations: Set<String> = [
        "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot", "DecodeAuthorizationMessage",
        "GetAccessKeyInfo", "GetDelegatedAccessToken", "GetFederationToken", "GetSessionToken",
        "GetWebIdentityToken",
    ]
    /// `AssumeRole` parameters that would narrow or tag the session (session policies, tags):
    /// refused rather than ignored, so that a session never has more than its caller asked for.
    static let refusedPrefixes = ["Policy", "PolicyArns.", "Tags.", "TransitiveTagKeys."]

    /// The request whose form parameters are `parameters` (``formParameters(_:)``).
    /// - Throws: ``STSQueryError``: `MissingAction`, `InvalidAction` (an unknown operation, another
    ///   version, an operation serve does not emulate), `ValidationError`.
    package init(parameters: [String: String]) throws(STSQueryError) {
        guard let action = parameters["Action"], !action.isEmpty else { throw .missingAction }
        let version = parameters["Version"]
        guard version == Self.version else { throw .invalidAction(action, version: version) }
        switch action {
        case "AssumeRole": self = .assumeRole(try AssumeRole(parameters: parameters))
        case "GetCallerIdentity": self = .getCallerIdentity
        case _ where Self.otherOperations.contains(action): throw .notEmulated(action)
        default: throw .invalidAction(action, version: version)
        }
    }

    /// The parameters of an `application/x-www-form-urlencoded` body: `+` is a space, `%XX` a
    /// byte; the first value of a name counts. Bytes that are not UTF-8 are replaced (U+FFFD).
    package static func formParameters(_ body: [UInt8]) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in body.split(separator: UInt8(ascii: "&")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            if parameters[name] == nil { parameters[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return parameters
    }

    /// One form-encoded component decoded.
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
                let high = HexDigit.value(bytes[index + 1]),
                let low = HexDigit.value(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 2
            } else {
                out.append(byte)
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

}

extension STSRequest.AssumeRole {
    /// `AssumeRole`'s parameters checked as STS checks them: every constraint broken is listed in one
    /// `ValidationError`, in Coral's words.
    init(parameters: [String: String]) throws(STSQueryError) {
        if let refused = parameters.keys.sorted().first(where: { name in
            STSRequest.refusedPrefixes.contains { name == $0 || ($0.hasSuffix(".") && name.hasPrefix($0)) }
        }) {
            throw .validation(
                message: "triage serve does not emulate session policies or session tags (\(refused.prefix(100)))")
        }
        var problems: [String] = []
        func check(
            _ name: String, _ value: String?, length: ClosedRange<Int>, pattern: String?, allowed: (UInt8) -> Bool
        ) {
            guard let value else {
                problems.append("Value null at '\(name)' failed to satisfy constraint: Member must not be null")
                return
            }
            let quoted = "Value '\(value.prefix(2048))' at '\(name)' failed to satisfy constraint: Member must"
            if let pattern, !value.utf8.allSatisfy(allowed) {
                problems.append("\(quoted) satisfy regular expression pattern: \(pattern)")
            }
            if value.count < length.lowerBound {
                problems.append("\(quoted) have length greater than or equal to \(length.lowerBound)")
            }
            if value.count > length.upperBound {
                problems.append("\(quoted) have length less than or equal to \(length.upperBound)")
            }
        }
        let roleArn = parameters["RoleArn"]
        check("roleArn", roleArn, length: 20...2048, pattern: nil) { _ in true }
        let sessionName = parameters["RoleSessionName"]
        check(
            "roleSessionName", sessionName, length: 2...64, pattern: #"[\w+=,.@-]*"#, allowed: ServeRole.isIAMNameByte)
        let externalId = parameters["ExternalId"]
        if externalId != nil {
            check("externalId", externalId, length: 2...1224, pattern: #"[\w+=,.@:\/-]*"#) {
                ServeRole.isIAMNameByte($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/")
            }
        }
        var durationSeconds = 3600
        if let text = parameters["DurationSeconds"] {
            let range = ServeRole.sessionDurationRange
            let quoted = "Value '\(text.prefix(100))' at 'durationSeconds' failed to satisfy constraint: Member must"
            if let value = Int(text) {
                durationSeconds = value
                if value < range.lowerBound {
                    problems.append("\(quoted) have value greater than or equal to \(range.lowerBound)")
                } else if value > range.upperBound {
                    problems.append("\(quoted) have value less than or equal to \(range.upperBound)")
                }
            } else {
                problems.append("\(quoted) be an integer")
            }
        }
        guard problems.isEmpty, let roleArn, let sessionName else { throw .validation(problems) }
        self.init(roleArn: roleArn, sessionName: sessionName, durationSeconds: durationSeconds, externalId: externalId)
    }
}
