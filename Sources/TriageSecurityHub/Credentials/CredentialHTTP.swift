import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// The one HTTP shell of the credential sources: blocking requests over the caller's `HTTPClient` with a deadline.
///
/// Blocks the calling thread (`EventLoopFuture.wait()`), so it must never run on an event loop; the chain runs
/// on the caller's Dispatch worker threads.
package struct CredentialHTTP: Sendable {
    /// An answer: status and body bytes.
    package struct Response: Sendable, CustomStringConvertible {
        /// The HTTP status code.
        package var status: Int
        /// The body.
        package var body: [UInt8]
        /// The status and the body's size; never the body (it holds credentials).
        package var description: String { "Response(HTTP \(status), \(body.count) bytes)" }
        /// The body as UTF-8 text.
        package var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// The caller's client.
    package var client: HTTPClient

    /// Sends `method url` with `headers` and `body`, waiting at most `timeoutMilliseconds` for the whole exchange.
    /// - Throws: ``SecurityHubError`` (`unreachable`) saying `what` could not reach the URL's origin.
    package func send(
        _ method: HTTPMethod, _ url: CredentialURL, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeoutMilliseconds: Int64, what: String
    ) throws(SecurityHubError) -> Response {
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: url.text, method: method, headers: HTTPHeaders(headers), body: body.map { .bytes($0) })
        } catch {
            throw SecurityHubError(.invalidConfiguration, "\(what): \(url.origin) is not a usable URL")
        }
        let response: HTTPClient.Response
        do {
            response = try client.execute(request: request, deadline: .now() + .milliseconds(timeoutMilliseconds))
                .wait()
        } catch {
            throw SecurityHubError(.unreachable, "\(what): no answer from \(url.origin) (\(Self.reason(error)))")
        }
        let bytes = response.body.map { Array($0.readableBytesView) } ?? []
        return Response(status: Int(response.status.code), body: bytes)
    }

    /// A short reason for a transport error: AsyncHTTPClient's and NIO's descriptions name no header or body.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return "timed out"
        }
        return String(describing: error)
    }
}
