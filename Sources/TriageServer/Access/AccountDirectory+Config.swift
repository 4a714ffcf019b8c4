/// Reading the config's `accounts`: `{"<12-digit id>": {"administrator": true, "members": [...]}}`.
///
/// Errors: an id that is not 12 digits, no account at all, `members` on an account that is not an
/// administrator, a member that is not in `accounts`, an account listed as its own member or
/// twice in one list, and a member claimed by two administrators (an AWS account has at most
/// one administrator).
extension AccountDirectory {
    /// The members of one account.
    static let accountMembers = ["administrator", "members"]

    /// The accounts at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object()
        guard !object.members.isEmpty else { throw node.error("needs at least one account") }
        var accounts: [String: Account] = [:]
        var memberNodes: [(member: String, node: ConfigNode, administrator: String)] = []
        for (id, accountNode) in object.entries {
            guard ConfigNode.isAccountId(id) else { throw accountNode.error("not an account id of 12 digits") }
            let entry = try accountNode.object(allowed: Self.accountMembers)
            var account = Account(administrator: try entry.member("administrator")?.bool() ?? false)
            if let membersNode = entry.member("members") {
                guard account.administrator else {
                    throw membersNode.error("only an account with \"administrator\": true has members")
                }
                for element in try membersNode.array() {
                    let member = try element.accountId()
                    guard member != id else { throw element.error("an account cannot be its own member") }
                    guard account.members.insert(member).inserted else { throw element.error("listed twice") }
                    memberNodes.append((member, element, id))
                }
            }
            accounts[id] = account
        }
        var administratorOf: [String: String] = [:]
        for (member, memberNode, administrator) in memberNodes {
            guard accounts[member] != nil else { throw memberNode.error("account \(member) is not in accounts") }
            if let other = administratorOf[member] {
                throw memberNode.error("account \(member) is already a member of \(other) (one administrator each)")
            }
            administratorOf[member] = administrator
        }
        self.init(accounts)
    }
}
