/// The credential scope `yyyyMMdd/region/service/aws4_request`.
public struct CredentialScope: Sendable, Hashable, CustomStringConvertible {
    /// `yyyyMMdd`.
    public var date: String
    /// The Region, for example `us-east-1`.
    public var region: String
    /// The signing name of the service, for example `securityhub`.
    public var service: String

    /// The fixed terminator of every SigV4 scope.
    public static let terminator = "aws4_request"

    /// A scope from its three variable parts.
    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// `date/region/service/aws4_request`.
    public var description: String {
        "\(date)/\(region)/\(service)/\(Self.terminator)"
    }
}
