/// The parts of an absolute `http`/`https` URL the sources need: scheme, host, port and the request target.
package struct CredentialURL: Sendable, Equatable {
    /// `http` or `https`, lower-case.
    package var scheme: String
    /// The host without brackets (`127.0.0.1`, `fd00:ec2::23`, `sts.amazonaws.com`), lower-case.
    package var host: String
    /// The explicit port, if any.
    package var port: Int?
    /// The path and query as written (`/` when empty).
    package var target: String

    /// Parses `text`; `nil` unless it is `http(s)://host[:port][/path][?query]`.
    package init?(_ text: String) {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[range.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            self.port = nil
        }
        self.scheme = scheme
        self.host = host.lowercased()
        var target = String(rest[authorityEnd...])
        if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        self.target = target
    }

    /// The `Host` header value: the host (bracketed when IPv6) and the port unless it is the scheme's default.
    package var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        guard let port, port != (scheme == "https" ? 443 : 80) else { return name }
        return "\(name):\(port)"
    }

    /// `scheme://host[:port]`, for messages (no path or query, which might carry something private).
    package var origin: String { "\(scheme)://\(hostHeader)" }

    /// The URL with `target` as its path and query.
    package func with(target: String) -> String { origin + target }

    /// The whole URL.
    package var text: String { origin + target }
}
