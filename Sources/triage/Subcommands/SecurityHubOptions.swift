import ArgumentParser
import TriageCore
import TriageSecurityHub

/// The options of `apply --target securityhub` (`docs/contract.md`, the securityhub target).
struct SecurityHubOptions: ParsableArguments {
    @Option(
        name: .customLong("endpoint-url"),
        help: "Security Hub endpoint override, e.g. http://127.0.0.1:4510 for triage serve (default: each Region's).")
    var endpointURL: String?

    @Option(help: "Send everything to this Region instead of each finding's own (from its ProductArn).")
    var region: String?

    @Option(help: "AWS shared-config profile (default: $AWS_PROFILE, else the default chain).")
    var profile: String?

    @Option(help: "Requests per second per Region, the client-side limit (default: 10, the service quota).")
    var rate: Double?

    @Option(help: "Requests a Region may send at once before the rate applies (default: 30).")
    var burst: Double?

    @Option(name: .customLong("max-attempts"), help: "Tries per request for retryable failures (default: 5).")
    var maxAttempts: Int?

    @Flag(name: .customLong("use-fips"), help: "FIPS endpoints (default: $AWS_USE_FIPS_ENDPOINT).")
    var useFIPS = false

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for a connection (default: 10).")
    var connectTimeout: Double?

    @Option(name: .customLong("read-timeout"), help: "Seconds to wait for an answer's next bytes (default: 60).")
    var readTimeout: Double?

    @Option(
        name: .customLong("assume-role"),
        help: ArgumentHelp(
            "Send each account's findings with this role assumed in that account, e.g. "
                + "'arn:aws:iam::{account}:role/triage': every account-Region gets its own quota.",
            valueName: "role-arn-template"))
    var assumeRole: String?

    @Option(name: .customLong("external-id"), help: "The external id the roles' trust policy asks for (--assume-role).")
    var externalId: String?

    @Option(
        name: .customLong("role-session-name"),
        help: "The session name of assumed roles, shown in CloudTrail (default: triage-<epoch seconds>).")
    var roleSessionName: String?

    @Option(help: "Seconds an assumed role's credentials last, 900 to 43200 (default: STS's, 3600).")
    var duration: Int?

    /// `--assume-role` and its companions; nil without `--assume-role`.
    var assumeRoleSettings: AssumeRoleSettings? {
        assumeRole.map {
            AssumeRoleSettings(
                roleArnTemplate: $0, externalId: externalId, sessionName: roleSessionName, durationSeconds: duration)
        }
    }

    /// The first securityhub option given, for the error when the target is the store.
    var givenOption: String? {
        if endpointURL != nil { return "--endpoint-url" }
        if region != nil { return "--region" }
        if profile != nil { return "--profile" }
        if rate != nil { return "--rate" }
        if burst != nil { return "--burst" }
        if maxAttempts != nil { return "--max-attempts" }
        if useFIPS { return "--use-fips" }
        if connectTimeout != nil { return "--connect-timeout" }
        if readTimeout != nil { return "--read-timeout" }
        if assumeRole != nil { return "--assume-role" }
        return nil
    }

    func validate() throws {
        if let rate, !(rate > 0 && rate <= 1_000_000) {
            throw ValidationError("--rate must be above 0 and at most 1000000 requests per second, not \(rate)")
        }
        if let burst, !(burst >= 1 && burst <= 1_000_000) {
            throw ValidationError("--burst must be between 1 and 1000000, not \(burst)")
        }
        if let maxAttempts, !(1...20).contains(maxAttempts) {
            throw ValidationError("--max-attempts must be between 1 and 20, not \(maxAttempts)")
        }
        for (name, value) in [("--connect-timeout", connectTimeout), ("--read-timeout", readTimeout)] {
            if let value, !(value > 0 && value <= 3600) {
                throw ValidationError("\(name) must be above 0 and at most 3600 seconds, not \(value)")
            }
        }
        // The same rule as every Region the run meets (RegionName): a name that passed here and
        // then failed every record would turn a typo into a night of failures instead of exit 2.
        if let region, RegionName(region) == nil {
            throw ValidationError(
                "--region '\(region)' is not a Region name (lower-case letters, digits and hyphens, like us-east-1)")
        }
        if assumeRole == nil {
            for (name, given) in [
                ("--external-id", externalId != nil), ("--role-session-name", roleSessionName != nil),
                ("--duration", duration != nil),
            ] where given {
                throw ValidationError("\(name) goes with --assume-role")
            }
        }
        if let problem = assumeRoleSettings?.check() { throw ValidationError(problem) }
        if let endpointURL, !(endpointURL.hasPrefix("http://") || endpointURL.hasPrefix("https://")) {
            throw ValidationError("--endpoint-url needs a scheme: http://HOST[:PORT] or https://HOST[:PORT]")
        }
    }

    /// Regions and endpoints from the options and `environment`.
    func endpointRules(environment: [String: String]) throws -> SecurityHubEndpointRules {
        SecurityHubEndpointRules(
            endpointURL: endpointURL, environment: environment, useFIPS: useFIPS ? true : nil, forcedRegion: region)
    }

    /// The target's set-up.
    func connection(
        rules: SecurityHubEndpointRules, environment: [String: String], concurrency: Int
    ) -> SecurityHubTarget.Connection {
        var http = HTTPSettings(
            environment: environment, connectTimeout: connectTimeout ?? 10, readTimeout: readTimeout ?? 60)
        http.connectionsPerHost = concurrency
        var settings = SecurityHubTarget.Settings(http: http)
        settings.rate = rate ?? 10
        settings.burst = burst ?? 30
        settings.maxAttempts = maxAttempts ?? 5
        settings.concurrency = concurrency
        var connection = SecurityHubTarget.Connection(
            settings: settings, endpoints: rules, endpointLabel: rules.label,
            environment: environment, profile: profile)
        connection.assumeRole = assumeRoleSettings
        return connection
    }
}
