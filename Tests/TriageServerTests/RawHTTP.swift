import Foundation
import TriageSigV4
import TriageTestSupport

/// Requests built byte for byte and sent over a plain socket to 127.0.0.1 (``HTTPConnection``).
struct RawHTTP {
    /// An answer, with the accessors the route tests use.
    typealias Answer = HTTPAnswer

    let port: Int

    /// Sends `bytes` on a new connection and reads the answer; nil when the connection closed
    /// without one.
    func exchange(_ bytes: [UInt8], timeout: Int = 30) throws -> Answer? {
        let connection = try HTTPConnection(port: port, timeoutSeconds: timeout)
        connection.send(bytes)
        return connection.readAnswer()
    }
}

extension HTTPAnswer {
    /// The JSON body as a dictionary.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    /// The error name: `x-amzn-ErrorType`.
    var errorType: String? { headers["x-amzn-errortype"] }
}
