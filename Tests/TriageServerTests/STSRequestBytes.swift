import Foundation
import TriageSigV4
import TriageTestSupport

/// STS Query requests to `triage serve` as botocore sends them (`POST /`, a form body, SigV4 for
/// service `sts`), and the values of its XML answers.
enum STSRequestBytes {
    /// The bytes of an STS request with `parameters` (`Version=2011-06-15` added unless given),
    /// signed with `accessKeyId`/`secret` (and `sessionToken`) for `service` in `region` at `date`.
    static func signed(
        _ parameters: [(String, String)], port: Int, accessKeyId: String, secret: String, sessionToken: String? = nil,
        region: String = "us-east-1", service: String = "sts",
        date: SigningDate = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
    ) -> [UInt8] {
        var all = parameters
        if !all.contains(where: { $0.0 == "Version" }) { all.append(("Version", "2011-06-15")) }
        let body = Array(
            all.map { SigV4Encoding.encode($0.0) + "=" + SigV4Encoding.encode($0.1) }.joined(separator: "&").utf8)
        var headers = [
            SigV4Request.Header("Host", "127.0.0.1:\(port)"),
            SigV4Request.Header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        if let sessionToken { headers.append(SigV4Request.Header("X-Amz-Security-Token", sessionToken)) }
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: nil),
            region: region, service: service)
        let signed = signer.sign(SigV4Request(method: "POST", path: "/", headers: headers, body: body), at: date)
        return HTTPRequestBytes.request(
            method: "POST", path: "/", port: port, headers: signed.request.headers.map { ($0.name, $0.value) },
            body: body)
    }

    /// `AssumeRole` of `roleArn` as session `sessionName`, with `extra` parameters.
    static func assumeRole(
        _ roleArn: String, session sessionName: String = "triage", extra: [(String, String)] = [], port: Int,
        accessKeyId: String, secret: String, sessionToken: String? = nil,
        date: SigningDate = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
    ) -> [UInt8] {
        signed(
            [("Action", "AssumeRole"), ("RoleArn", roleArn), ("RoleSessionName", sessionName)] + extra, port: port,
            accessKeyId: accessKeyId, secret: secret, sessionToken: sessionToken, date: date)
    }
}

/// Temporary credentials read from an `AssumeRoleResponse`.
struct IssuedSession {
    var accessKeyId: String
    var secretAccessKey: String
    var sessionToken: String
    var expiration: String
    var assumedRoleId: String
    var arn: String

    /// The session of `answer` (a 200 `AssumeRoleResponse`), nil when a value is missing.
    init?(_ answer: HTTPAnswer) {
        guard let key = answer.xml("AccessKeyId"), let secret = answer.xml("SecretAccessKey"),
            let token = answer.xml("SessionToken"), let expiration = answer.xml("Expiration"),
            let roleId = answer.xml("AssumedRoleId"), let arn = answer.xml("Arn")
        else { return nil }
        (accessKeyId, secretAccessKey, sessionToken, self.expiration, assumedRoleId, self.arn) = (
            key, secret, token, expiration, roleId, arn
        )
    }
}

extension HTTPAnswer {
    /// The text of the first element `name` of the XML body (entities decoded), nil when absent.
    func xml(_ name: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The `<Code>` of an STS `ErrorResponse`.
    var stsCode: String? { xml("Code") }
}
