/// The roles STS `AssumeRole` may hand out (`docs/serve.md`, STS): those of the config's `roles`,
/// by ARN; or, without a config file, every role ARN, trusted by the default account only, so that
/// `triage apply --assume-role` works against a bare `triage serve`.
package struct RoleDirectory: Sendable, Equatable {
    /// The configured roles by ARN; nil when every role ARN is assumable (no config file).
    private let listed: [String: ServeRole]?
    /// The account every role trusts when ``listed`` is nil.
    private let universalTruster: String?

    /// The roles of a config file (ARNs unique: the config reader checks it).
    package init(_ roles: [ServeRole]) {
        listed = Dictionary(roles.map { ($0.arn, $0) }, uniquingKeysWith: { first, _ in first })
        universalTruster = nil
    }

    private init(everyRoleTrusting account: String) {
        listed = nil
        universalTruster = account
    }

    /// No config file: any `arn:aws:iam::<12 digits>:role/<name>` exists, trusts `account` and
    /// allows sessions of up to 12 hours (43200 s, the most STS gives).
    package static func everyRole(trusting account: String) -> RoleDirectory {
        RoleDirectory(everyRoleTrusting: account)
    }

    /// The role of `arn`, nil when there is none (an unknown ARN, or not a role ARN at all).
    package func role(arn: String) -> ServeRole? {
        if let listed { return listed[arn] }
        guard let universalTruster, let (account, name) = ServeRole.parse(arn: arn) else { return nil }
        return ServeRole(
            arn: arn, account: account, name: name, trust: [universalTruster],
            maxSessionDuration: ServeRole.sessionDurationRange.upperBound)
    }

    /// The configured roles, sorted by ARN; nil when every role ARN is assumable.
    package var roles: [ServeRole]? {
        listed.map { $0.values.sorted { $0.arn < $1.arn } }
    }
}
