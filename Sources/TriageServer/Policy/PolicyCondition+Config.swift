/// Reading a statement's `Condition` from the config: operator → key → value or list of values.
/// Operators and keys outside ``ConditionOperator/names`` and ``ConditionKey/names`` are errors
/// with a did-you-mean. Values are strings (booleans and numbers are taken as their JSON text, as
/// IAM does); `Null` takes `true` or `false`; policy variables (`${...}`) are refused, since
/// nothing here would substitute them.
extension PolicyCondition {
    /// The conditions of the `Condition` object at `node`, in document order.
    static func list(config node: ConfigNode) throws(ServerError) -> [PolicyCondition] {
        var conditions: [PolicyCondition] = []
        for (name, operatorNode) in try node.object().entries {
            guard let conditionOperator = ConditionOperator(name: name) else {
                throw operatorNode.error(
                    ConfigNode.unknownProblem("unknown condition operator", name, candidates: ConditionOperator.names)
                )
            }
            let keys = try operatorNode.object()
            guard !keys.members.isEmpty else { throw operatorNode.error("needs at least one condition key") }
            for (keyName, valueNode) in keys.entries {
                guard let key = ConditionKey(name: keyName) else {
                    throw valueNode.error(
                        ConfigNode.unknownProblem("unknown condition key", keyName, candidates: ConditionKey.names))
                }
                let values = try Self.values(valueNode, for: conditionOperator)
                conditions.append(PolicyCondition(conditionOperator, key, values))
            }
        }
        return conditions
    }

    /// The values at `node`: one, or a non-empty list.
    private static func values(
        _ node: ConfigNode, for conditionOperator: ConditionOperator
    ) throws(ServerError) -> [String] {
        var nodes = [node]
        if case .array = node.value {
            nodes = try node.array()
            guard !nodes.isEmpty else { throw node.error("needs at least one value") }
        }
        var values: [String] = []
        for element in nodes {
            let text: String
            switch element.value {
            case .string(let string): text = string
            case .bool(let flag): text = flag ? "true" : "false"
            case .number(let number): text = number.literal
            default: throw element.typeError("a string")
            }
            if conditionOperator.test == .null, !["true", "false"].contains(text.lowercased()) {
                throw element.error("Null takes true or false")
            }
            if text.contains("${") { throw element.error("policy variables (${...}) are not supported") }
            values.append(text)
        }
        return values
    }
}
