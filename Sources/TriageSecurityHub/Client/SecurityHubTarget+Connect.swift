import AsyncHTTPClient
import Foundation
import Logging
import TriageCore

extension SecurityHubTarget {
    /// Everything `apply --target securityhub` was given.
    public struct Connection: Sendable {
        /// Rate, retries, HTTP settings.
        public var settings: Settings
        /// Regions and endpoints.
        public var endpoints: SecurityHubEndpointRules
        /// The endpoint as the report names it (`--endpoint-url` or the AWS pattern).
        public var endpointLabel: String
        /// The process environment (credentials, proxies).
        public var environment: [String: String]
        /// `--profile`.
        public var profile: String?
        /// `--assume-role` and its companions; nil: every batch goes with the run's own credentials.
        public var assumeRole: AssumeRoleSettings?

        /// A connection description.
        public init(
            settings: Settings, endpoints: SecurityHubEndpointRules, endpointLabel: String,
            environment: [String: String], profile: String?
        ) {
            self.settings = settings
            self.endpoints = endpoints
            self.endpointLabel = endpointLabel
            self.environment = environment
            self.profile = profile
        }
    }

    /// Sets the target up: HTTP clients, then credentials (every source of the chain, in order).
    /// Throws before anything is sent; the message names what is missing, never a secret.
    /// `clock` is the run's (``JobClock``): it dates signatures and credentials' expiry.
    public static func connect(
        _ connection: Connection, clock: JobClock, logger: Logger = Logger(label: "triage.securityhub")
    ) throws(SecurityHubError) -> SecurityHubTarget {
        let http = connection.settings.http
        if let bundle = http.caBundle, !FileManager.default.isReadableFile(atPath: bundle) {
            throw SecurityHubError(.invalidConfiguration, "AWS_CA_BUNDLE: cannot read \(bundle)")
        }
        let direct = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: try http.configuration(proxied: false))
        var proxied: HTTPClient?
        do throws(SecurityHubError) {
            if http.httpsProxy != nil {
                proxied = HTTPClient(
                    eventLoopGroupProvider: .singleton, configuration: try http.configuration(proxied: true))
            }
            let credentials: CredentialProvider
            let environment = CredentialEnvironment(
                variables: connection.environment, profile: connection.profile,
                homeDirectory: connection.environment["HOME"] ?? NSHomeDirectory(), now: clock.wallMilliseconds,
                http: direct)
            do throws(SecurityHubError) {
                credentials = try CredentialProvider.resolve(environment)
            } catch {
                throw SecurityHubError(.invalidConfiguration, error.message)
            }
            logger.debug("credentials", metadata: ["source": "\(credentials.sourceName)"])
            return SecurityHubTarget(
                settings: connection.settings, endpoints: connection.endpoints, credentials: credentials,
                direct: direct, proxied: proxied, endpointLabel: connection.endpointLabel, logger: logger,
                clock: clock,
                roles: connection.assumeRole.map {
                    AccountRoles(settings: $0, base: credentials, context: CredentialContext(environment: environment))
                })
        } catch {
            try? direct.syncShutdown()
            try? proxied?.syncShutdown()
            throw error
        }
    }

    /// Closes the HTTP clients (after the run).
    public func shutdown() {
        try? directClient.syncShutdown()
        try? proxiedClient?.syncShutdown()
    }
}
