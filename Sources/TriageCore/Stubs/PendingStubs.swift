// TEMPORARY: stand-ins for the rate/retry/endpoint components being written on branch `rate`.
// Deleted when that branch is merged.
public struct RegionRateController: Sendable {
    private var bucket: TokenBucket
    public init(rate: Double, burst: Double, now: Int64) { bucket = TokenBucket(rate: rate, burst: burst, now: now) }
    public func delay(now: Int64) -> Int64 { bucket.available(now: now) >= 1 ? 0 : 100 }
    public mutating func takeSend(now: Int64) { _ = bucket.take(now: now) }
    public mutating func recordThrottle(now: Int64) {}
    public mutating func recordSuccess(now: Int64) {}
    public var currentRate: Double { bucket.rate }
}

public enum AttemptFailure: Sendable, Equatable {
    case http(status: Int, code: String?)
    case timeout
    case connectionBroken
    case connectFailed
}

public enum RetryClass: Sendable, Equatable { case throttle, transient, final }

public struct RetryPolicy: Sendable {
    public let maxAttempts: Int
    public init(maxAttempts: Int) { self.maxAttempts = maxAttempts }
    public static func classify(_ failure: AttemptFailure) -> RetryClass {
        switch failure {
        case .http(let status, _): status == 429 ? .throttle : status >= 500 ? .transient : .final
        default: .transient
        }
    }
    public func shouldRetry(_ failure: AttemptFailure, attempt: Int) -> Bool {
        attempt < maxAttempts && Self.classify(failure) != .final
    }
    public func backoff(afterAttempt attempt: Int, random: inout some RandomNumberGenerator) -> Int64 {
        Int64.random(in: 0...min(20_000, 1000 << min(attempt - 1, 10)), using: &random)
    }
    public static func isRetryable(findingErrorCode: String) -> Bool {
        findingErrorCode == "ConcurrentUpdateError" || findingErrorCode == "InternalFailure"
    }
}

public struct EndpointError: Error, Sendable { public var message: String }

public struct SecurityHubEndpoint: Sendable, Equatable {
    public var scheme: String
    public var host: String
    public var port: Int?
    public var basePath: String
    public var signingRegion: String
    public var url: String { "\(scheme)://\(hostHeader)\(basePath)" }
    public var hostHeader: String { port.map { "\(host):\($0)" } ?? host }
}

public struct SecurityHubEndpointRules: Sendable {
    let endpointURL: String?
    let forcedRegion: String?
    public init(endpointURL: String?, environment: [String: String], useFIPS: Bool?, forcedRegion: String?) {
        self.endpointURL = endpointURL ?? environment["AWS_ENDPOINT_URL_SECURITYHUB"]
        self.forcedRegion = forcedRegion
    }
    public func region(forProductArn arn: String) -> String? {
        if let forcedRegion { return forcedRegion }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 && !parts[3].isEmpty ? String(parts[3]) : nil
    }
    public func endpoint(forRegion region: String) throws(EndpointError) -> SecurityHubEndpoint {
        if let endpointURL, endpointURL.hasPrefix("http://") {
            let rest = endpointURL.dropFirst(7)
            let hostPort = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
            let pieces = hostPort.split(separator: ":")
            return SecurityHubEndpoint(
                scheme: "http", host: String(pieces[0]),
                port: pieces.count > 1 ? Int(pieces[1]) : nil, basePath: "", signingRegion: region)
        }
        return SecurityHubEndpoint(
            scheme: "https", host: "securityhub.\(region).amazonaws.com", port: nil, basePath: "", signingRegion: region
        )
    }
}
