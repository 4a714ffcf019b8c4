import Foundation
import TriageSigV4

/// The bytes of HTTP/1.1 requests to `triage serve`, plain or signed as botocore signs them.
package enum HTTPRequestBytes {
    /// The bytes of a request: `headers` as given (plus `Host`, `Content-Length` and
    /// `Connection: close` unless `keepAlive`).
    package static func request(
        method: String, path: String, port: Int, headers: [(String, String)] = [], body: [UInt8] = [],
        keepAlive: Bool = false
    ) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        var all = headers
        if !all.contains(where: { $0.0.lowercased() == "host" }) { all.insert(("Host", "127.0.0.1:\(port)"), at: 0) }
        if !all.contains(where: { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }) {
            all.append(("Content-Length", String(body.count)))
        }
        if !keepAlive { all.append(("Connection", "close")) }
        for (name, value) in all { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// A request signed as botocore signs it (`content-type;host;x-amz-date[;x-amz-security-token]`).
    package static func signed(
        method: String, path: String, port: Int, body: [UInt8], accessKeyId: String = "test",
        secret: String = "test", sessionToken: String? = nil, region: String = "us-east-1",
        date: SigningDate = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970)), keepAlive: Bool = false
    ) -> [UInt8] {
        var headers = [
            SigV4Request.Header("Host", "127.0.0.1:\(port)"), SigV4Request.Header("Content-Type", "application/json"),
        ]
        if let sessionToken { headers.append(SigV4Request.Header("X-Amz-Security-Token", sessionToken)) }
        let signer = SigV4Signer(
            credentials: SigV4Credentials(accessKeyId: accessKeyId, secretAccessKey: secret, sessionToken: nil),
            region: region, service: "securityhub")
        let signed = signer.sign(
            SigV4Request(method: method, path: path, headers: headers, body: body), at: date)
        return request(
            method: method, path: path, port: port, headers: signed.request.headers.map { ($0.name, $0.value) },
            body: body, keepAlive: keepAlive)
    }
}
