import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// How the securityhub target's HTTP client connects: timeouts, proxy and extra CA certificates,
/// from the options and the environment as the AWS CLI reads them.
public struct HTTPSettings: Sendable {
    /// `--connect-timeout`, seconds.
    public var connectTimeout: Double = 10
    /// `--read-timeout`, seconds: the longest wait for the next bytes of an answer.
    public var readTimeout: Double = 60
    /// Connections kept per host (the run's `--concurrency`).
    public var connectionsPerHost: Int = 16
    /// `HTTPS_PROXY` / `https_proxy`: `http://[user:password@]host[:port]`.
    public var httpsProxy: String?
    /// `NO_PROXY` / `no_proxy`: hosts (and `.suffix` domains, `*` for all) reached directly.
    public var noProxy: [String] = []
    /// `AWS_CA_BUNDLE`: a PEM file of certificates trusted besides the system's.
    public var caBundle: String?

    /// Settings from `environment` with the given timeouts.
    public init(environment: [String: String], connectTimeout: Double = 10, readTimeout: Double = 60) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        httpsProxy = (environment["HTTPS_PROXY"] ?? environment["https_proxy"]).flatMap { $0.isEmpty ? nil : $0 }
        noProxy = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
        caBundle = environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether `host` bypasses the proxy.
    public func bypassesProxy(_ host: String) -> Bool {
        let host = host.lowercased()
        return noProxy.contains { entry in
            if entry == "*" { return true }
            let suffix = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            return host == suffix || host.hasSuffix("." + suffix)
        }
    }

    /// The proxy as AsyncHTTPClient takes it; nil without one. Throws for a value that is not
    /// `http://host[:port]` (the message names the variable, never a password).
    func proxy() throws(SecurityHubError) -> HTTPClient.Configuration.Proxy? {
        guard let httpsProxy else { return nil }
        var rest = Substring(httpsProxy)
        if let scheme = rest.range(of: "://") {
            guard rest[..<scheme.lowerBound].lowercased() == "http" else {
                throw SecurityHubError(.invalidConfiguration, "HTTPS_PROXY: only an http:// proxy is supported")
            }
            rest = rest[scheme.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var authorization: HTTPClient.Authorization?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            authorization = .basic(
                username: String(parts[0]).removingPercentEncoding ?? String(parts[0]),
                password: parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : "")
        }
        var host = String(rest)
        var port = 80
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65535).contains(number) else {
                throw SecurityHubError(.invalidConfiguration, "HTTPS_PROXY: the port is not a number")
            }
            host = String(rest[..<colon])
            port = number
        }
        guard !host.isEmpty else { throw SecurityHubError(.invalidConfiguration, "HTTPS_PROXY: no host") }
        return .server(host: host, port: port, authorization: authorization)
    }

    /// The client configuration, proxied or not.
    func configuration(proxied: Bool) throws(SecurityHubError) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caBundle {
            tls.additionalTrustRoots = [.file(caBundle)]
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: .milliseconds(Int64(connectTimeout * 1000)), read: .milliseconds(Int64(readTimeout * 1000))),
            connectionPool: HTTPClient.Configuration.ConnectionPool(
                idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connectionsPerHost)),
            proxy: proxied ? try proxy() : nil, decompression: .disabled)
        configuration.httpVersion = .http1Only
        // A connection that cannot be made fails its request at once; the retry policy tries again
        // with botocore's backoff (as botocore does for EndpointConnectionError). Left on, the pool
        // would keep a request waiting for a connection up to --connect-timeout on every try: a
        // closed port took 5 × 10 s and more to give up on instead of about 8 s.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}
