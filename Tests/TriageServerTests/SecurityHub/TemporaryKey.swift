import Foundation

/// A temporary key for the credential tests (``CredentialExpiryTests``,
/// ``CredentialSourceLossTests``): its `triage serve` config entry (bound to account
/// 000000000000, expiring with it) and the container credentials endpoint's answer.
struct TemporaryKey {
    let accessKeyId: String
    let secret: String
    let token: String
    let expires: Date

    init(name: String, expires: Date) {
        accessKeyId = "ASIA\(name)"
        secret = "secret-\(name.lowercased())"
        token = "token-\(name.lowercased())"
        self.expires = expires
    }

    private var expiration: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: expires)
    }

    var serveEntry: String {
        #"{"accessKeyId": "\#(accessKeyId)", "secretAccessKey": "\#(secret)", "account": "000000000000", "sessionToken": "\#(token)", "expiresAt": "\#(expiration)"}"#
    }

    var containerAnswer: String {
        #"{"AccessKeyId": "\#(accessKeyId)", "SecretAccessKey": "\#(secret)", "Token": "\#(token)", "Expiration": "\#(expiration)"}"#
    }
}
