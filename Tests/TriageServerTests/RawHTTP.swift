import Foundation
import TriageSigV4

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 exchange over a plain socket to 127.0.0.1, byte for byte what the test writes
/// (no client library adds or fixes headers), read until the server closes or the answer is whole.
struct RawHTTP {
    /// A parsed answer.
    struct Answer {
        var status: Int
        /// Header names lower-cased.
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        /// The JSON body as a dictionary.
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        /// The error name: `x-amzn-ErrorType`.
        var errorType: String? { headers["x-amzn-errortype"] }
    }

    let port: Int

    /// Sends `bytes` and reads the answer; nil when the connection closed without one.
    func exchange(_ bytes: [UInt8], timeout: Int = 30) throws -> Answer? {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(socketDescriptor) }
        var timeoutValue = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(
            socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(socketDescriptor, $0.baseAddress, $0.count, 0) }
            if written <= 0 { break }  // the server may answer (413) and close before the body is sent
            offset += written
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socketDescriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
            if let answer = Self.parse(received), answer.body.count >= Int(answer.headers["content-length"] ?? "0")! {
                return answer
            }
        }
        return Self.parse(received)
    }

    private static func parse(_ bytes: [UInt8]) -> Answer? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4,
            let end = (0...(bytes.count - 4)).first(where: { Array(bytes[$0..<($0 + 4)]) == separator })
        else { return nil }
        let head = String(decoding: bytes[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }

    /// The bytes of a request: `headers` as given (plus `Host`, `Content-Length` and
    /// `Connection: close` unless present).
    static func request(
        method: String, path: String, port: Int, headers: [(String, String)] = [], body: [UInt8] = []
    ) -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        var all = headers
        if !all.contains(where: { $0.0.lowercased() == "host" }) { all.insert(("Host", "127.0.0.1:\(port)"), at: 0) }
        if !all.contains(where: { ["content-length", "transfer-encoding"].contains($0.0.lowercased()) }) {
            all.append(("Content-Length", String(body.count)))
        }
        all.append(("Connection", "close"))
        for (name, value) in all { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        return Array(text.utf8) + body
    }

    /// A request signed as botocore signs it (`content-type;host;x-amz-date[;x-amz-security-token]`).
    static func signed(
        method: String, path: String, port: Int, body: [UInt8], accessKeyId: String = "test",
        secret: String = "test", sessionToken: String? = nil, region: String = "us-east-1",
        date: SigningDate = SigningDate(secondsSince1970: Int64(Date().timeIntervalSince1970))
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
            body: body)
    }
}
