/// An HTTP request as SigV4 sees it: method, the request-target path and query as sent on the wire, headers in
/// order (repeats allowed) and the exact body bytes.
public struct SigV4Request: Sendable, Equatable, CustomStringConvertible {
    /// One header line; the name keeps the case it was sent with.
    public struct Header: Sendable, Equatable {
        /// The header name as sent (compared case-insensitively).
        public var name: String
        /// The raw value (trimmed and whitespace-collapsed only in the canonical form).
        public var value: String

        /// A header line.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The HTTP method, upper-case (`GET`, `POST`, `PATCH`).
    public var method: String
    /// The path of the request target exactly as on the wire (already percent-encoded by the client), without `?`.
    public var path: String
    /// The raw query string after `?`, without the `?`; empty when there is none.
    public var query: String
    /// The headers in the order they were sent.
    public var headers: [Header]
    /// The exact body bytes.
    public var body: [UInt8]

    /// A request; `path` and `query` are taken as they appear on the wire.
    public init(method: String, path: String, query: String = "", headers: [Header] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Method, path, the number of query bytes, header names and body size; never a header value (the
    /// `Authorization` and `X-Amz-Security-Token` values are credentials).
    public var description: String {
        "\(method) \(path) (query \(query.utf8.count) bytes; headers \(headers.map(\.name).joined(separator: ", ")); "
            + "body \(body.count) bytes)"
    }

    /// The values of every header named `name` (case-insensitive), in order.
    public func values(of name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// The first value of the header named `name` (case-insensitive), if any.
    public func firstValue(of name: String) -> String? {
        values(of: name).first
    }

    /// Whether a header named `name` (case-insensitive) is present.
    public func hasHeader(_ name: String) -> Bool {
        firstValue(of: name) != nil
    }
}
