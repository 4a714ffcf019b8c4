/// The one error of TriageCore: a JSON text rejected at a byte, a GetFindings request that cannot
/// be run, a provider finding that import refuses, a finding that cannot be routed to a Region, a
/// Region or endpoint URL that names no endpoint, or a target that cannot be used. It carries a
/// ``Code`` (with what callers branch on: the byte of a JSON error, the refused finding's `Id` and
/// per-finding code, the bad Region or URL), a one-line message and, where there is one, the error
/// behind it.
///
/// Messages never contain a secret or a whole record: a JSON error quotes at most one character of
/// the input, a query error at most the caller's own filter value (64 characters), an endpoint
/// error the user's own setting.
public struct CoreError: ModuleError {
    /// What kind of failure this is.
    public enum Code: Sendable, Equatable {
        /// A JSON text that breaks the grammar (or the shape a scan expects) at `offset`, 0-based:
        /// the offending byte, the opening quote of an unterminated string, the backslash of a bad
        /// escape, the first byte of an ill-formed UTF-8 sequence, the bracket that nests too deep,
        /// or the input length at an unexpected end. `reason` is short English, e.g.
        /// `unterminated string`, `nesting deeper than 512`.
        case invalidJSON(offset: Int, reason: String)
        /// A GetFindings request that cannot be run: the body of an `InvalidInputException`, the
        /// message naming the member as a path into the request
        /// (`Filters.WorkflowStatus[1].Comparison`).
        case invalidQuery
        /// A provider finding that import rejects: its `Id` when it had one, and the per-finding
        /// code (`InvalidInput` or `FindingSizeExceeded`).
        case findingRefused(id: String?, ErrorCode)
        /// A finding that cannot be routed to a Region: the record fails with `InvalidInput`.
        case unroutable
        /// The Region is not a DNS label of lower-case letters, digits and inner hyphens (1-63).
        case invalidRegion(String)
        /// The endpoint override (from `source`: `--endpoint-url` or the environment variable) is
        /// not `http(s)://host[:port][/path]`.
        case invalidEndpointURL(source: String, url: String)
        /// A target that cannot be used (the store missing, empty, another application's or
        /// read-only; an endpoint or credentials unavailable), or that fails to make applied
        /// batches durable. Set up before anything is applied, it means exit status 2.
        case targetUnavailable
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line: `byte 7: invalid UTF-8`, `MaxResults: 500 is outside 1..100`,
    /// `no findings store at x.sqlite (...)`.
    public let message: String
    /// The error behind this one, if any (the store's error behind an unusable target, the JSON
    /// error behind a refused finding, the endpoint error behind a routing failure).
    public let underlying: (any Error)?

    /// An error of `code` saying `message` (which must not hold a secret or a whole record).
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    // MARK: JSON

    /// A JSON text rejected at `offset` (0-based) for `reason`: the message is
    /// `byte <offset + 1>: <reason>`, the byte 1-based for people.
    package static func invalidJSON(offset: Int, reason: String) -> CoreError {
        CoreError(.invalidJSON(offset: offset, reason: reason), "byte \(offset + 1): \(reason)")
    }

    /// The 0-based byte offset of an ``Code/invalidJSON(offset:reason:)`` error; nil for the other codes.
    package var jsonOffset: Int? {
        if case .invalidJSON(let offset, _) = code { return offset }
        return nil
    }

    /// The reason of an ``Code/invalidJSON(offset:reason:)`` error (the message without its byte);
    /// nil for the other codes.
    package var jsonReason: String? {
        if case .invalidJSON(_, let reason) = code { return reason }
        return nil
    }

    /// The error as found in a larger text in which this one starts `start` bytes in: an
    /// ``Code/invalidJSON(offset:reason:)`` error's offset moved by `start`; other codes unchanged.
    package func shifted(by start: Int) -> CoreError {
        guard case .invalidJSON(let offset, let reason) = code else { return self }
        return .invalidJSON(offset: start + offset, reason: reason)
    }

    // MARK: Queries, imports, routing

    /// A GetFindings request that cannot be run, e.g. `MaxResults: 500 is outside 1..100`.
    package static func invalidQuery(_ message: String) -> CoreError {
        CoreError(.invalidQuery, message)
    }

    /// The provider finding `id` (nil when it had none) refused with `code`, e.g.
    /// `AwsAccountId: required member is missing`.
    package static func findingRefused(
        id: String?, code: ErrorCode, message: String, underlying: (any Error)? = nil
    ) -> CoreError {
        CoreError(.findingRefused(id: id, code), message, underlying: underlying)
    }

    /// A finding that cannot be routed, the record failing with `InvalidInput` and `message`.
    public static func unroutable(_ message: String, underlying: (any Error)? = nil) -> CoreError {
        CoreError(.unroutable, message, underlying: underlying)
    }

    // MARK: Endpoints and targets

    /// `region` is not a Region name.
    public static func invalidRegion(_ region: String) -> CoreError {
        CoreError(
            .invalidRegion(region), "invalid Region \"\(region)\": expected lower-case letters, digits and hyphens")
    }

    /// The endpoint override `url` from `source` is not `http(s)://host[:port][/path]`.
    public static func invalidEndpointURL(source: String, url: String) -> CoreError {
        CoreError(
            .invalidEndpointURL(source: source, url: url),
            "invalid endpoint URL \"\(url)\" from \(source): expected http(s)://host[:port][/path]")
    }

    /// A target that cannot be used; `message` names it (file, endpoint), never a secret.
    public static func targetUnavailable(_ message: String, underlying: (any Error)? = nil) -> CoreError {
        CoreError(.targetUnavailable, message, underlying: underlying)
    }
}
