import Synchronization
import TriageCore

/// `--assume-role 'arn:aws:iam::{account}:role/NAME'` and its companions: which role to assume in
/// each account whose findings the run updates.
public struct AssumeRoleSettings: Sendable, Equatable {
    /// The role's ARN with `{account}` where each account's id goes.
    public var roleArnTemplate: String
    /// `--external-id`, sent with every `AssumeRole` (the role's trust policy may require it).
    public var externalId: String?
    /// `--role-session-name`; default `triage-<epoch seconds>` (CloudTrail shows it).
    public var sessionName: String?
    /// `--duration`, seconds (900…43200; STS's default, 3600, without).
    public var durationSeconds: Int?

    /// Settings; ``check()`` says whether they are usable.
    public init(
        roleArnTemplate: String, externalId: String? = nil, sessionName: String? = nil, durationSeconds: Int? = nil
    ) {
        self.roleArnTemplate = roleArnTemplate
        self.externalId = externalId
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
    }

    /// The role to assume in `account`.
    public func roleArn(account: String) -> String {
        roleArnTemplate.replacingOccurrences(of: "{account}", with: account)
    }

    /// Why the settings cannot work (a usage error, exit status 2), or nil. The template must be
    /// an IAM role ARN whose account field is `{account}`; a session name is 2–64 of
    /// `[\w+=,.@-]` and a duration 900–43200 seconds, as STS requires.
    public func check() -> String? {
        let fields = roleArnTemplate.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, fields[2] == "iam", fields[3].isEmpty,
            fields[4] == "{account}", fields[5].hasPrefix("role/"), fields[5].count > "role/".count
        else {
            return "--assume-role: \(TextRules.quote(roleArnTemplate)) is not a role ARN with {account} as its "
                + "account, like arn:aws:iam::{account}:role/triage"
        }
        if let sessionName {
            let allowed = sessionName.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "_+=,.@-".unicodeScalars.contains(scalar))
            }
            if !(2...64).contains(sessionName.count) || !allowed {
                return "--role-session-name: 2 to 64 letters, digits and _+=,.@- (STS's rule)"
            }
        }
        if let durationSeconds, !(900...43_200).contains(durationSeconds) {
            return "--duration: \(durationSeconds) seconds is outside STS's 900 to 43200"
        }
        return nil
    }
}

/// The credentials of each account's assumed role, for the lanes of `--assume-role`.
///
/// An account's role is assumed once, on its first batch (STS `AssumeRole`, signed with the run's
/// own credentials from the chain; concurrent first batches wait for the one call), then kept
/// fresh by a ``CredentialProvider`` of its own (the same refresh windows as the chain's). A role
/// that STS refuses for good (a 4xx other than throttling: `AccessDenied`, `ValidationError`, …)
/// is remembered: every batch of that account then fails its records with STS's code and message,
/// without asking STS again. STS not answering (unreachable, 5xx, throttled) is not remembered:
/// the lane stops as for any credentials that cannot be had (exit status 5, the records left for
/// `--resume`).
final class AccountRoles: Sendable {
    /// What a batch of an account is sent with.
    enum Answer {
        /// The role's current credentials.
        case credentials(AWSCredentials)
        /// STS refused the role for good: its code and message.
        case refused(code: String, message: String)
        /// No credentials could be had now (the message names why, never a secret).
        case unavailable(String)
    }

    /// One account's role: nil until first assumed.
    private final class Slot: Sendable {
        let state = Mutex<State?>(nil)
    }

    private enum State {
        case assumed(CredentialProvider)
        case refused(code: String, message: String)
    }

    let settings: AssumeRoleSettings
    private let base: CredentialProvider
    private let context: CredentialContext
    private let slots = Mutex<[String: Slot]>([:])
    /// The outcome of each account's first `AssumeRole`, in the order first asked (for the run's
    /// summary and its exit status).
    private let tally = Mutex<[(account: String, refusal: (code: String, message: String)?)]>([])

    /// Roles assumed with `base`'s credentials, through STS as `context` reaches it
    /// (`AWS_ENDPOINT_URL_STS`, the Region's endpoint).
    init(settings: AssumeRoleSettings, base: CredentialProvider, context: CredentialContext) {
        self.settings = settings
        self.base = base
        self.context = context
    }

    /// The credentials for a batch of `account`'s findings; may block the calling thread while
    /// STS answers (callers are Dispatch worker threads, never an event loop).
    func credentials(for account: String) -> Answer {
        let slot = slots.withLock { slots in
            if let slot = slots[account] { return slot }
            let slot = Slot()
            slots[account] = slot
            return slot
        }
        // Held while assuming: the account's other batches wait for the one call.
        let known: Result<CredentialProvider, SecurityHubError>? = slot.state.withLock { state in
            switch state {
            case .assumed(let provider)?:
                return .success(provider)
            case .refused(let code, let message)?:
                return .failure(SecurityHubError(.retrievalFailed, message, underlying: FinalRefusal(code: code)))
            case nil:
                do throws(SecurityHubError) {
                    let provider = try CredentialProvider.resolve(
                        sources: [AssumedRoleSource(account: account, roles: self)], now: context.environment.now)
                    state = .assumed(provider)
                    record(account, refusal: nil)
                    return .success(provider)
                } catch {
                    if let refusal = Self.refusal(in: error) {
                        state = .refused(code: refusal.code, message: refusal.message)
                        record(account, refusal: (refusal.code, refusal.message))
                        return .failure(
                            SecurityHubError(
                                .retrievalFailed, refusal.message, underlying: FinalRefusal(code: refusal.code)))
                    }
                    return .failure(error)
                }
            }
        }
        switch known {
        case .success(let provider)?:
            do throws(SecurityHubError) {
                return .credentials(try provider.current())
            } catch {
                if let refusal = Self.refusal(in: error) {
                    return .refused(code: refusal.code, message: refusal.message)
                }
                return .unavailable(
                    "credentials of \(settings.roleArn(account: account)) unavailable: \(error.message)")
            }
        case .failure(let error)?:
            if let final = error.underlying as? FinalRefusal {
                return .refused(code: final.code, message: error.message)
            }
            return .unavailable("assuming \(settings.roleArn(account: account)): \(error.message)")
        case nil:
            return .unavailable("assuming \(settings.roleArn(account: account)): no answer")
        }
    }

    /// Each account asked for so far, with STS's refusal when its role could not be assumed.
    func outcomes() -> [(account: String, refusal: (code: String, message: String)?)] {
        tally.withLock { $0 }
    }

    private func record(_ account: String, refusal: (code: String, message: String)?) {
        tally.withLock { $0.append((account, refusal)) }
    }

    /// STS's final refusal inside `error` (a role refused for good), nil for anything else.
    private static func refusal(in error: SecurityHubError) -> STSRefusal? {
        guard let refusal = error.underlying as? STSRefusal, refusal.isFinal else { return nil }
        return refusal
    }

    /// Marks a remembered refusal (its message is STS's).
    private struct FinalRefusal: Error {
        var code: String
    }

    /// `AssumeRole` into one account's role with the run's own current credentials (fetched
    /// again at each refresh, so a refreshed base is used).
    private struct AssumedRoleSource: CredentialSource {
        let account: String
        let roles: AccountRoles

        var name: String { "assume-role \(roles.settings.roleArn(account: account))" }
        var skipReason: String? { nil }

        func fetch() throws(SecurityHubError) -> AWSCredentials {
            let settings = roles.settings
            let base = try roles.base.current()
            return try STSClient(context: roles.context).assumeRole(
                roleArn: settings.roleArn(account: account),
                sessionName: settings.sessionName ?? roles.context.defaultSessionName(),
                externalId: settings.externalId, durationSeconds: settings.durationSeconds, credentials: base)
        }
    }
}
