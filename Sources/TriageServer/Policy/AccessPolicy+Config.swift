import TriageCore

/// Reading policy documents from the config. IAM members accepted: `Version`, `Id`,
/// `Statement` (one object or a list) and, in a statement, `Sid`, `Effect`, `Action` or
/// `NotAction`, `Resource` (`*` only) and `Condition`. `Principal`, `NotPrincipal` (not in an
/// identity-based policy) and `NotResource` are refused with a reason; any other name is an
/// unknown member.
extension AccessPolicy {
    /// The members of a policy document.
    static let members = ["Version", "Id", "Statement"]
    /// The policy language versions IAM knows.
    static let versions = ["2012-10-17", "2008-10-17"]

    /// The policy document at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object(allowed: Self.members)
        var version: String?
        if let versionNode = object.member("Version") {
            version = try versionNode.string()
            guard Self.versions.contains(version!) else { throw versionNode.error("must be 2012-10-17 or 2008-10-17") }
        }
        let id = try object.member("Id")?.string()
        let statementNode = try object.required("Statement")
        let nodes: [ConfigNode]
        if case .array = statementNode.value {
            nodes = try statementNode.array()
        } else {
            nodes = [statementNode]
        }
        guard !nodes.isEmpty else { throw statementNode.error("needs at least one statement") }
        var statements: [PolicyStatement] = []
        var sidPaths: [String: String] = [:]
        for statementNode in nodes {
            let statement = try PolicyStatement(config: statementNode)
            if let sid = statement.sid {
                if let earlier = sidPaths[sid] {
                    throw ServerError(configAt: JSONProblem.path(statementNode.path, "Sid"), "the same as \(earlier)")
                }
                sidPaths[sid] = JSONProblem.path(statementNode.path, "Sid")
            }
            statements.append(statement)
        }
        self.init(version: version, id: id, statements: statements)
    }
}

extension PolicyStatement {
    /// The members of a statement.
    static let members = ["Sid", "Effect", "Action", "NotAction", "Resource", "Condition"]
    /// IAM members refused, and why.
    static let refused = [
        "Principal": "not allowed in an identity-based policy (the policy belongs to the credential)",
        "NotPrincipal": "not allowed in an identity-based policy (the policy belongs to the credential)",
        "NotResource": "not supported (Resource must be \"*\")",
    ]

    /// The statement at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object(allowed: Self.members, refused: Self.refused)
        let sid = try object.member("Sid")?.string()
        let effectNode = try object.required("Effect")
        guard let effect = Effect(rawValue: try effectNode.string()) else {
            throw effectNode.error("must be Allow or Deny (case-sensitive)")
        }
        let actionNode: ConfigNode
        switch (object.member("Action"), object.member("NotAction")) {
        case (let action?, nil): actionNode = action
        case (nil, let notAction?): actionNode = notAction
        case (nil, nil): throw node.error("needs Action or NotAction")
        case (.some, .some): throw node.error("has both Action and NotAction (give one)")
        }
        var actions: [ActionPattern] = []
        for element in try actionNode.stringOrList() {
            actions.append(try ActionPattern(config: element))
        }
        for element in try object.required("Resource").stringOrList() {
            guard try element.string() == "*" else {
                throw element.error("must be \"*\" (one hub per account and Region: resource ARNs are not supported)")
            }
        }
        var conditions: [PolicyCondition] = []
        if let conditionNode = object.member("Condition") {
            conditions = try PolicyCondition.list(config: conditionNode)
        }
        self.init(
            sid: sid, effect: effect, actions: actions, isNotAction: object.member("NotAction") != nil,
            conditions: conditions)
    }
}
