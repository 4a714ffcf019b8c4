/// Where one Region's requests go, and the Region they are signed for.
public struct SecurityHubEndpoint: Sendable, Equatable {
    /// `https`, or `http` for an override such as `triage serve`.
    public var scheme: String
    /// A DNS name, an IPv4 address or a bracketed IPv6 address (`[::1]`).
    public var host: String
    /// The port when the URL names one; nil for the scheme's default.
    public var port: Int?
    /// The path the operation paths go under: `""`, or an override's path without a final `/`.
    public var basePath: String
    /// The Region of the SigV4 credential scope: always the finding's Region, also with an override.
    public var signingRegion: String

    /// Creates an endpoint.
    public init(scheme: String, host: String, port: Int?, basePath: String, signingRegion: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
        self.signingRegion = signingRegion
    }

    /// `scheme://host[:port]basePath`, the port only when given.
    public var url: String {
        "\(scheme)://\(host)\(port.map { ":\($0)" } ?? "")\(basePath)"
    }

    /// The `Host` header (and the signed `host`): the port only when it is not the scheme's
    /// default (80 for http, 443 for https), as botocore signs it.
    public var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }
}
