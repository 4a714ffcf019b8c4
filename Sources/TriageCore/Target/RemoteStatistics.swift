/// What a remote target counted during a run, for the report's summary (`retries`,
/// `throttled`, `regions`) and the JUnit properties.
public struct RemoteStatistics: Sendable, Equatable {
    /// One Region's figures.
    public struct Region: Sendable, Equatable {
        /// HTTP requests sent to the Region, retries included (in a dry run: planned).
        public var requests = 0
        /// Throttled answers (429) received from it.
        public var throttled = 0
        /// Records sent there (each record once, however often it was re-sent).
        public var findings = 0
        /// Of `requests`, those sent again (see ``RemoteStatistics/retries``): the metrics file's
        /// `triage_retries_total{region}`.
        public var retries = 0

        /// Zero counts.
        public init(requests: Int = 0, throttled: Int = 0, findings: Int = 0, retries: Int = 0) {
            self.requests = requests
            self.throttled = throttled
            self.findings = findings
            self.retries = retries
        }
    }

    /// Requests sent again: a whole request after a retryable failure, or a new request for the
    /// findings answered `ConcurrentUpdateError`/`InternalFailure`.
    public var retries = 0
    /// Throttled answers received, all Regions.
    public var throttled = 0
    /// Figures by Region name.
    public var regions: [String: Region] = [:]
    /// The same figures per account whose assumed role sent (`--assume-role`); empty without.
    public var accounts: [String: Region] = [:]
    /// A dry run's plan per lane (account and Region) when lanes are per account; empty otherwise.
    public var plannedLanes: [LaneKey: Region] = [:]
    /// Where the requests went, for the JUnit properties (an endpoint override, or the AWS
    /// endpoints' pattern).
    public var endpoint: String = ""

    /// No requests yet.
    public init(endpoint: String = "") {
        self.endpoint = endpoint
    }
}
