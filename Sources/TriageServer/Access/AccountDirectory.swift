/// The accounts that may call the server and whose findings each may reach
/// (`docs/serve.md`, accounts): an administrator reaches its own account and its
/// members, any other account only its own.
///
/// Without a config file every account is subscribed and the default credential's account
/// administers every account.
package struct AccountDirectory: Sendable, Equatable {
    /// One configured account.
    package struct Account: Sendable, Equatable {
        /// Whether it administers ``members``.
        package var administrator: Bool
        /// The member accounts it administers (empty unless ``administrator``).
        package var members: Set<String>

        /// An account; members only for an administrator.
        package init(administrator: Bool = false, members: Set<String> = []) {
            self.administrator = administrator
            self.members = members
        }
    }

    /// The configured accounts by id; nil when every account is subscribed (no config file).
    private let listed: [String: Account]?
    /// The account that reaches every account (no config file only).
    private let universalAdministrator: String?

    /// The accounts of a config file, by 12-digit id. Members must be listed too (the config
    /// reader checks it).
    package init(_ accounts: [String: Account]) {
        listed = accounts
        universalAdministrator = nil
    }

    private init(universalAdministrator: String) {
        listed = nil
        self.universalAdministrator = universalAdministrator
    }

    /// No config file: every account is subscribed, and `administrator` reaches every account.
    package static func everyAccount(administeredBy administrator: String) -> AccountDirectory {
        AccountDirectory(universalAdministrator: administrator)
    }

    /// Whether `account` may call (it is in the config); every account without a config file.
    package func isSubscribed(_ account: String) -> Bool {
        listed.map { $0[account] != nil } ?? true
    }

    /// The accounts whose findings `caller` may read, update and import: nil for every account
    /// (the default administrator), else its own plus its members if it administers any.
    package func reachableAccounts(from caller: String) -> Set<String>? {
        if caller == universalAdministrator { return nil }
        guard let entry = listed?[caller], entry.administrator else { return [caller] }
        return entry.members.union([caller])
    }

    /// The configured accounts, sorted by id; nil when every account is subscribed.
    package var accountIds: [String]? {
        listed.map { $0.keys.sorted() }
    }
}
