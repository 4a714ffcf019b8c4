import AsyncHTTPClient

/// What the chain needs from the world, injected (tests pass their own).
public struct CredentialEnvironment: Sendable, CustomStringConvertible {
    /// The process environment (`AWS_*` variables, `PATH` for `credential_process`).
    public var variables: [String: String]
    /// The `--profile` option; it beats `AWS_PROFILE` and makes the chain skip the environment variables.
    public var profile: String?
    /// The home directory holding `.aws/config`, `.aws/credentials` and `.aws/sso/cache`.
    public var homeDirectory: String
    /// The wall clock, epoch milliseconds.
    public var now: @Sendable () -> Int64
    /// The HTTP client every source sends with; shared, owned (shut down) by the caller.
    public var http: HTTPClient

    /// An environment; every value is taken as given.
    public init(
        variables: [String: String], profile: String?, homeDirectory: String, now: @escaping @Sendable () -> Int64,
        http: HTTPClient
    ) {
        self.variables = variables
        self.profile = profile
        self.homeDirectory = homeDirectory
        self.now = now
        self.http = http
    }

    /// The profile, the home directory and the number of variables; never a value (they hold secrets).
    public var description: String {
        "CredentialEnvironment(profile: \(profile ?? "none"), homeDirectory: \(homeDirectory), "
            + "\(variables.count) variables)"
    }

    /// The value of variable `name`, `nil` when unset or empty (as botocore treats an empty value).
    func variable(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// Whether variable `name` is `true` (any case).
    func flag(_ name: String) -> Bool {
        variable(name)?.lowercased() == "true"
    }
}
