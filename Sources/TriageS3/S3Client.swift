import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import TriageCore
import TriageSecurityHub
import TriageSigV4

/// Signed S3 requests over AsyncHTTPClient, with the run's own credentials (the default chain:
/// ``TriageSecurityHub/CredentialProvider``), SigV4 with service `s3`, `x-amz-content-sha256`
/// signed (the SHA-256 of the body; S3 refuses a request without it).
///
/// ``send(_:_:query:headers:body:expecting:)`` blocks the calling thread (never an event loop):
/// TriageIO's byte sources and outputs are synchronous. ``start(_:_:query:headers:body:)`` sends
/// without waiting, for the read-ahead of ``S3ObjectSource``.
package final class S3Client: Sendable {
    /// An answer: its status, headers and body.
    package struct Response: Sendable {
        /// The HTTP status code.
        package var status: Int
        /// The headers.
        package var headers: HTTPHeaders
        /// The body.
        package var body: [UInt8]

        /// An answer as given.
        package init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The first value of header `name` (any case).
        package func header(_ name: String) -> String? { headers[name].first }
    }

    /// Where requests go.
    package let endpoint: S3Endpoint
    /// How requests are retried.
    private let maxAttempts: Int
    private let http: HTTPClient
    private let credentials: CredentialProvider
    private let keyCache = SigningKeyCache()
    private let now: @Sendable () -> Int64

    /// Creates the HTTP client, then resolves the credentials (every source of the chain, in
    /// order); throws before anything is sent, naming what is missing (never a secret).
    package init(settings: S3Settings, now: @escaping @Sendable () -> Int64) throws(S3Failure) {
        endpoint = try S3Endpoint(environment: settings.environment, region: settings.region)
        maxAttempts = settings.maxAttempts
        self.now = now
        var tls = TLSConfiguration.makeClientConfiguration()
        if let bundle = settings.environment["AWS_CA_BUNDLE"], !bundle.isEmpty {
            guard FileManager.default.isReadableFile(atPath: bundle) else {
                throw S3Failure(detail: "AWS_CA_BUNDLE: cannot read \(bundle)")
            }
            tls.additionalTrustRoots = [.file(bundle)]
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(
                connect: .milliseconds(Int64(settings.connectTimeout * 1000)),
                read: .milliseconds(Int64(settings.readTimeout * 1000))),
            decompression: .disabled)
        configuration.httpVersion = .http1Only
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do throws(SecurityHubError) {
            credentials = try CredentialProvider.resolve(
                CredentialEnvironment(
                    variables: settings.environment, profile: settings.profile,
                    homeDirectory: settings.environment["HOME"] ?? NSHomeDirectory(), now: now, http: http))
        } catch {
            try? http.syncShutdown()
            throw S3Failure(detail: error.message)
        }
        self.http = http
    }

    /// Closes the HTTP client (tests; the executable keeps it until it exits).
    package func shutdown() {
        try? http.syncShutdown()
    }

    /// Sends one request and waits for its answer, trying again (with a short backoff) when it
    /// fails with no answer, a 5xx or `RequestTimeout`; an answer whose status is not in
    /// `expecting` is a failure with S3's error code and message.
    package func send(
        _ method: HTTPMethod, _ target: S3Endpoint.Target, query: String = "", headers: [(String, String)] = [],
        body: [UInt8] = [], expecting: Set<Int> = [200]
    ) throws(S3Failure) -> Response {
        var attempt = 1
        while true {
            do throws(S3Failure) {
                return try Self.check(
                    Self.wait(try start(method, target, query: query, headers: headers, body: body)),
                    expecting: expecting)
            } catch  where error.isRetryable && attempt < maxAttempts {
                Thread.sleep(forTimeInterval: Self.backoff(attempt: attempt))
                attempt += 1
            }
        }
    }

    /// Signs and sends one request without waiting; the future fails with the transport's error.
    package func start(
        _ method: HTTPMethod, _ target: S3Endpoint.Target, query: String = "", headers: [(String, String)] = [],
        body: [UInt8] = []
    ) throws(S3Failure) -> EventLoopFuture<HTTPClient.Response> {
        let current: AWSCredentials
        do {
            current = try credentials.current()
        } catch {
            throw S3Failure(detail: "AWS credentials unavailable: \(error.message)")
        }
        let signed = Self.sign(
            method.rawValue, target, query: query, headers: headers, body: body, credentials: current.signing,
            region: endpoint.region, at: SigningDate(secondsSince1970: now() / 1000), keyCache: keyCache)
        var wireHeaders = HTTPHeaders()
        for header in signed { wireHeaders.add(name: header.name, value: header.value) }
        wireHeaders.add(name: "User-Agent", value: "triage")
        let sendsBody = method == .PUT || method == .POST
        if sendsBody { wireHeaders.add(name: "Content-Length", value: "\(body.count)") }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: target.url + (query.isEmpty ? "" : "?" + query), method: method, headers: wireHeaders,
                body: sendsBody ? .bytes(body) : nil)
        } catch {
            throw S3Failure(detail: "not a usable URL: \(target.url)")
        }
        return http.execute(request: request)
    }

    /// The headers of a request to `target` signed for S3 at `date`: `Host`, the caller's,
    /// `X-Amz-Date`, `X-Amz-Content-Sha256` (the body's SHA-256), the session token when there is
    /// one, and `Authorization`. The canonical URI is the path encoded once, not normalised.
    package static func sign(
        _ method: String, _ target: S3Endpoint.Target, query: String, headers: [(String, String)], body: [UInt8],
        credentials: SigV4Credentials, region: String, at date: SigningDate,
        keyCache: SigningKeyCache = SigningKeyCache()
    ) -> [SigV4Request.Header] {
        let unsigned = SigV4Request(
            method: method, path: target.signingPath, query: query,
            headers: [.init("Host", target.host)] + headers.map { SigV4Request.Header($0.0, $0.1) }, body: body)
        let signer = SigV4Signer(
            credentials: credentials, region: region, service: "s3",
            options: CanonicalRequest.Options(normalizePath: false), signsBodyHashHeader: true, keyCache: keyCache)
        return signer.sign(unsigned, at: date).request.headers
    }

    /// Waits for a started request's answer; a transport failure is a retryable ``S3Failure``.
    package static func wait(_ future: EventLoopFuture<HTTPClient.Response>) throws(S3Failure) -> Response {
        do {
            let response = try future.wait()
            return Response(
                status: Int(response.status.code), headers: response.headers,
                body: response.body.map { Array($0.readableBytesView) } ?? [])
        } catch let error as HTTPClientError where error == .readTimeout || error == .deadlineExceeded {
            throw S3Failure(detail: "no answer from S3 in time", transient: true)
        } catch {
            throw S3Failure(
                detail: "no answer from S3: \(String(describing: error).replacingOccurrences(of: "\n", with: " "))",
                transient: true)
        }
    }

    /// `response` when its status is expected; else the failure its body (S3's `<Error>`) or, for
    /// an answer without a body (HEAD), its status names.
    package static func check(_ response: Response, expecting: Set<Int>) throws(S3Failure) -> Response {
        guard expecting.contains(response.status) else { throw failure(response) }
        return response
    }

    /// The failure an error answer describes.
    package static func failure(_ response: Response) -> S3Failure {
        let text = String(decoding: response.body, as: UTF8.self)
        let code =
            S3XML.value(of: "Code", in: text)
            ?? [301: "PermanentRedirect", 403: "AccessDenied", 404: "NotFound", 412: "PreconditionFailed"][
                response.status]
        var message = S3XML.value(of: "Message", in: text) ?? ""
        if let region = response.header("x-amz-bucket-region") {
            message += (message.isEmpty ? "" : " ") + "(the bucket is in \(region): give that --region or AWS_REGION)"
        }
        return S3Failure(status: response.status, code: code, message: message)
    }

    /// Seconds before try `attempt + 1`: 0.1, 0.2, 0.4 … at most 2, jittered by up to half.
    private static func backoff(attempt: Int) -> Double {
        let base = min(2, 0.1 * Double(1 << min(attempt - 1, 10)))
        return base * Double.random(in: 0.5...1)
    }
}
