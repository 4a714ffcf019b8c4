/// Why a Region's lane stops sending: an error that no retry can cure and that says nothing
/// about the records themselves (exit status 5). The records not yet decided stay without an
/// outcome, for `--resume` once the cause is fixed.
public struct LaneStop: Sendable, Equatable {
    /// What kind of failure it is.
    public enum Cause: Sendable, Equatable {
        /// The service refused the credentials (``RetryPolicy/credentialCodes``), or none could
        /// be had: every request of the lane would be refused alike.
        case credentialsRefused
        /// The endpoint could not be reached, or kept failing (5xx, timeouts, broken connections),
        /// through every retry.
        case endpointFailing
    }

    /// The Region whose lane stopped.
    public var region: String
    /// The account of the lane (an assumed role's), nil for the run's own credentials.
    public var account: String?
    /// The kind of failure.
    public var cause: Cause
    /// The error's name: the service's code (`InvalidSignatureException`), or ours for a
    /// failure without an answer (`ConnectionError`, `RequestTimeout`, `HTTP 503`).
    public var code: String
    /// What the service or the network said, one line, never a secret.
    public var message: String

    /// Creates a stop.
    public init(region: String, account: String? = nil, cause: Cause, code: String, message: String) {
        self.region = region
        self.account = account
        self.cause = cause
        self.code = code
        self.message = message
    }

    /// What a person should check, one line.
    public var hint: String {
        switch code {
        case "InvalidSignatureException", "IncompleteSignatureException", "SignatureDoesNotMatch":
            "check the secret access key (AWS_SECRET_ACCESS_KEY or the profile's) and the system clock"
        case "UnrecognizedClientException", "InvalidClientTokenId":
            "check the access key ID and session token, and that the Region is enabled for the account"
        case "MissingAuthenticationTokenException":
            "the request carried no valid signature: check the credentials"
        case "ExpiredTokenException":
            "the session token has expired: renew the credentials (a new session, aws sso login)"
        case "InvalidAccessException":
            "Security Hub is not enabled for this account in this Region"
        case "CredentialsUnavailable":
            "no credentials could be had: check the credential source named above"
        default:
            switch cause {
            case .credentialsRefused: "check the credentials"
            case .endpointFailing:
                "check the endpoint (--endpoint-url, AWS_ENDPOINT_URL*), the network and the service's health"
            }
        }
    }

    /// One line for stderr: `us-east-1: InvalidSignatureException: <message> — <hint>`.
    public var line: String {
        Self.line(regions: [lane.description], code: code, message: message, hint: hint)
    }

    /// One line per distinct error, naming every Region it stopped (a refused credential stops
    /// each Region the run sends to: the error is told once), in the order they stopped.
    public static func lines(_ stops: [LaneStop]) -> [String] {
        var order: [String] = []
        var regions: [String: [String]] = [:]
        var first: [String: LaneStop] = [:]
        for stop in stops {
            let key = stop.code + "\u{0}" + stop.message
            if first[key] == nil {
                order.append(key)
                first[key] = stop
            }
            regions[key, default: []].append(stop.lane.description)
        }
        return order.map { key in
            let stop = first[key]!
            return line(regions: regions[key]!, code: stop.code, message: stop.message, hint: stop.hint)
        }
    }

    /// The lane it stopped.
    public var lane: LaneKey { LaneKey(account: account, region: region) }

    private static func line(regions: [String], code: String, message: String, hint: String) -> String {
        let named = regions.map { $0.isEmpty ? "the target" : $0 }.joined(separator: ", ")
        return "\(named): \(code)\(message.isEmpty ? "" : ": \(message)") — \(hint)"
    }
}
