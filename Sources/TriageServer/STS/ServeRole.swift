import Crypto
import TriageSigV4

/// One IAM role `triage serve` lets callers assume with STS `AssumeRole` (`docs/serve.md`, STS):
/// its ARN (`arn:aws:iam::<account>:role/<name>`), the accounts its trust policy names, an
/// optional `sts:ExternalId` condition, its maximum session duration and the policies its
/// sessions are evaluated with.
package struct ServeRole: Sendable, Equatable {
    /// The role's ARN, `arn:aws:iam::222222222222:role/triage`.
    package var arn: String
    /// The account the role belongs to: its sessions act as this account.
    package var account: String
    /// The role's name (the ARN's last path segment; a path before it is kept in ``arn``).
    package var name: String
    /// The accounts whose principals may assume it (IAM's `"Principal": {"AWS": "<account>"}`).
    package var trust: Set<String>
    /// The `sts:ExternalId` the trust policy requires, if any: `AssumeRole` must send it.
    package var externalId: String?
    /// The most `DurationSeconds` a session may ask for (IAM's `MaxSessionDuration`), 3600...43200.
    package var maxSessionDuration: Int
    /// The identity-based policies of the role, evaluated for every request of its sessions.
    package var policies: [AccessPolicy]

    /// A role with every part given; `arn` must be a role ARN (``parse(arn:)``).
    package init(
        arn: String, account: String, name: String, trust: Set<String>, externalId: String? = nil,
        maxSessionDuration: Int = ServeRole.defaultMaxSessionDuration, policies: [AccessPolicy] = []
    ) {
        self.arn = arn
        self.account = account
        self.name = name
        self.trust = trust
        self.externalId = externalId
        self.maxSessionDuration = maxSessionDuration
        self.policies = policies
    }

    /// IAM's default `MaxSessionDuration`: one hour.
    package static let defaultMaxSessionDuration = 3600
    /// The range IAM allows a role's `MaxSessionDuration` in, and STS a `DurationSeconds` in.
    package static let sessionDurationRange = 900...43200

    /// The account and name of a role ARN `arn:aws:iam::<12 digits>:role/<path/>name`, nil for
    /// anything else. The name (and each path segment) is IAM's `[\w+=,.@-]{1,64}`; the partition
    /// is `aws`, `aws-cn` or `aws-us-gov`.
    package static func parse(arn: String) -> (account: String, name: String)? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", ["aws", "aws-cn", "aws-us-gov"].contains(parts[1]),
            parts[2] == "iam", parts[3].isEmpty, ConfigNode.isAccountId(String(parts[4])),
            parts[5].hasPrefix("role/")
        else { return nil }
        let segments = parts[5].dropFirst("role/".count).split(separator: "/", omittingEmptySubsequences: false)
        guard let name = segments.last, segments.allSatisfy({ (1...64).contains($0.count) && isIAMName($0) }) else {
            return nil
        }
        return (String(parts[4]), String(name))
    }

    /// Whether `text` is made of IAM name characters only, `[\w+=,.@-]` (ASCII).
    package static func isIAMName(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy(isIAMNameByte)
    }

    /// Whether `byte` is one of IAM's name characters, `[A-Za-z0-9_+=,.@-]`.
    static func isIAMNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || "_+=,.@-".utf8.contains(byte)
    }

    /// The role's unique id, `AROA` and 17 characters, the same for the same ARN in every run (IAM
    /// gives a role one when it is created; serve derives it from the ARN).
    package var roleId: String { Self.uniqueId(prefix: "AROA", of: arn) }

    /// `prefix` and 17 upper-case base-32 characters of the SHA-256 of `text`: a stable stand-in for
    /// an IAM unique id (`AIDA…` for a user, `AROA…` for a role).
    package static func uniqueId(prefix: String, of text: String) -> String {
        let digest = Array(SHA256.hash(data: Array(text.utf8)))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return prefix + String(digest.prefix(17).map { alphabet[Int($0 & 31)] })
    }
}
