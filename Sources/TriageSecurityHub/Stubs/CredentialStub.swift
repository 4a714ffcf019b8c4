// TEMPORARY: stand-in for the credential chain being written on branch `creds`. Deleted at merge.
import AsyncHTTPClient
import TriageSigV4

public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var expiration: Int64?
    public var accountId: String?
    public var signing: SigV4Credentials {
        SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
    }
    public var description: String { "AWSCredentials(\(accessKeyId))" }
}

public struct CredentialEnvironment: Sendable {
    public var variables: [String: String]
    public var profile: String?
    public var homeDirectory: String
    public var now: @Sendable () -> Int64
    public var http: HTTPClient
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
}

public struct CredentialError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public final class CredentialProvider: Sendable {
    let credentials: AWSCredentials
    init(_ credentials: AWSCredentials) { self.credentials = credentials }
    public static func resolve(_ environment: CredentialEnvironment) throws(CredentialError) -> CredentialProvider {
        guard let key = environment.variables["AWS_ACCESS_KEY_ID"],
            let secret = environment.variables["AWS_SECRET_ACCESS_KEY"]
        else { throw CredentialError(message: "no credentials: tried environment") }
        return CredentialProvider(
            AWSCredentials(
                accessKeyId: key, secretAccessKey: secret, sessionToken: environment.variables["AWS_SESSION_TOKEN"]))
    }
    public var sourceName: String { "environment" }
    public func current() throws(CredentialError) -> AWSCredentials { credentials }
}
