/// Who a credential signs as: what STS `GetCallerIdentity` answers and `AccessDenied` messages name.
package enum ServeIdentity: Sendable, Equatable {
    /// An IAM user of the credential's account: every key of the config is one (the config gives no
    /// user name: it is the access key id, ``userName(forAccessKeyId:)``).
    case user(name: String)
    /// A session of an assumed role, made by STS `AssumeRole`; `chained` when the caller that made
    /// it was itself a role session (role chaining: at most one hour).
    case assumedRole(role: String, roleId: String, session: String, chained: Bool)

    /// The IAM user of a config key: the access key id, with each character outside IAM's
    /// `[\w+=,.@-]` made `-`, cut to 64 characters (`AKIDADMIN` → `user/AKIDADMIN`).
    package static func userName(forAccessKeyId accessKeyId: String) -> String {
        String(
            accessKeyId.unicodeScalars.prefix(64).map { scalar -> Character in
                scalar.isASCII && ServeRole.isIAMNameByte(UInt8(scalar.value)) ? Character(scalar) : "-"
            })
    }

    /// The ARN in `account`: `arn:aws:iam::<account>:user/<name>` or
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    package func arn(account: String) -> String {
        switch self {
        case .user(let name): "arn:aws:iam::\(account):user/\(name)"
        case .assumedRole(let role, _, let session, _): "arn:aws:sts::\(account):assumed-role/\(role)/\(session)"
        }
    }

    /// The `UserId` of `GetCallerIdentity`: a user's unique id (`AIDA…`, derived from its ARN), or
    /// a session's `<role id>:<session name>` (`AROA…:triage`).
    package func userId(account: String) -> String {
        switch self {
        case .user: ServeRole.uniqueId(prefix: "AIDA", of: arn(account: account))
        case .assumedRole(_, let roleId, let session, _): "\(roleId):\(session)"
        }
    }

    /// Whether this is a role session (`AssumeRole` by it is role chaining).
    package var isRoleSession: Bool {
        if case .assumedRole = self { return true }
        return false
    }
}
