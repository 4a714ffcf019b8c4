import TriageCore

/// Reading an action pattern from the config: `*` or `service:action`. A pattern that names a
/// Security Hub action without wildcards is checked against this server's operations, so that a
/// typo (`securityhub:BatchUpdateFinding`) is an error instead of a statement that silently
/// matches nothing; other Security Hub actions (`securityhub:DescribeHub`) and other services
/// are accepted and match nothing here, except a service name near `securityhub`.
extension ActionPattern {
    /// The pattern at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let text = try node.string()
        guard text != "*" else {
            self.init(text)
            return
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !text.unicodeScalars.contains(where: \.properties.isWhitespace)
        else { throw node.error("must be * or service:action (securityhub:BatchUpdateFindings)") }
        let service = String(parts[0])
        let name = String(parts[1])
        let operations = ServeOperation.allCases.map(\.rawValue)
        if service.lowercased() == "securityhub" {
            if !WildcardPattern.hasWildcard(name),
                !operations.contains(where: { $0.lowercased() == name.lowercased() }),
                let hint = NameSuggestion.nearest(to: name, among: operations)
            {
                throw node.error("not an action of this server (did you mean securityhub:\(hint)?)")
            }
        } else if !WildcardPattern.hasWildcard(service),
            NameSuggestion.nearest(to: service, among: ["securityhub"]) != nil
        {
            throw node.error("unknown service (did you mean securityhub?)")
        }
        self.init(text)
    }
}
