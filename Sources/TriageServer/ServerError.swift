import NIOCore
import TriageCore
import TriageSigV4

#if canImport(Glibc)
import Glibc
#endif

/// The one error of TriageServer: a request answered with a whole-request error (a row of
/// TriageCore's ``RequestError`` table, with this request's message), a connection dropped by a
/// fault, or `triage serve` unable to start (config, listening address, connection limit: exit
/// status 2). It carries a ``Code``, a one-line message and, where there is one, the error behind
/// it.
///
/// Messages never contain a secret, a session token or a signature; a config error's message is
/// cleared of every secret of the document (``redacting(_:)``).
package struct ServerError: ModuleError {
    /// What kind of failure this is.
    package enum Code: Sendable, Equatable {
        /// The request is answered with this error: its name (`x-amzn-ErrorType`, the body's
        /// `Code`) and status are the row's, the body's `Message` is ``ServerError/message``.
        case answer(RequestError)
        /// The connection was closed by a `dropConnectionRate` fault: no answer at all.
        case dropped
        /// The config file is refused.
        case config
        /// The server cannot listen on its host and port.
        case listen
        /// The connection limit does not fit in the process's file descriptors.
        case connectionLimit
    }

    /// What kind of failure this is.
    package let code: Code
    /// One line: the body's `Message` of an answer, else what `triage serve` prints.
    package let message: String
    /// The error behind this one, if any (a SigV4 rejection, the bind's `IOError`).
    package let underlying: (any Error)?

    /// An error of `code` saying `message`.
    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// An answer: `Name (status): message`; otherwise the message.
    package var description: String {
        guard case .answer(let error) = code else { return message }
        return "\(error.name) (\(error.status ?? 0)): \(message)"
    }

    /// The whole-request error this request is answered with; nil for the other codes.
    package var requestError: RequestError? {
        if case .answer(let error) = code { return error }
        return nil
    }

    // MARK: Answers (`docs/serve.md`, errors on the wire)

    /// `error` with `message`, or the table's message for it.
    package static func answer(_ error: RequestError, _ message: String? = nil) -> ServerError {
        ServerError(.answer(error), message ?? error.message)
    }

    /// `InvalidInputException` (400): the body breaks the operation's contract.
    package static func invalidInput(_ message: String) -> ServerError {
        answer(.invalidInput, message)
    }

    /// `UnknownOperationException` (404): another method or path than the operations served.
    package static func unknownOperation(method: String, path: String) -> ServerError {
        answer(
            .unknownOperation,
            "No operation is served at \(method) \(path.prefix(200)); this endpoint serves "
                + ServeOperation.allCases.map(\.rawValue).joined(separator: ", "))
    }

    /// `ResourceNotFoundException` (404): the resource a request names does not exist.
    package static func resourceNotFound(_ message: String) -> ServerError {
        answer(.resourceNotFound, message)
    }

    /// `InvalidInputException` (413): a body over the `limit` bytes (6 MB) a request may carry,
    /// refused before it is read or authenticated.
    package static func tooLarge(limit: Int) -> ServerError {
        answer(
            .requestTooLarge, "The request body is larger than \(limit) bytes (6 MB), the most a request may carry")
    }

    /// The verifier's rejection, with its name, status and AWS's wording.
    package init(_ rejection: SigV4Error) {
        self.init(.answer(rejection.requestError), rejection.message, underlying: rejection)
    }

    /// `ExpiredTokenException` (403): the credential's session token is past its `expiresAt`.
    package static let expiredToken = answer(.expiredToken)

    /// `InvalidAccessException` (401): the key's account is not in the config.
    package static func notSubscribed(_ account: String) -> ServerError {
        answer(.invalidAccess, "Account \(account) is not subscribed to AWS Security Hub")
    }

    /// `AccessDeniedException` (403): a policy denies the request; nothing was applied.
    package static func accessDenied(_ message: String) -> ServerError {
        answer(.accessDenied, message)
    }

    /// `TooManyRequestsException` (429): the caller's bucket for the operation is empty.
    package static let throttled = answer(.tooManyRequests)

    /// `InternalException` (500): an injected fault or an unexpected failure (never its details).
    package static let internalError = answer(.internalError)

    /// A `NextToken` that this server did not issue for this query (another query's, forged,
    /// truncated, not base64): the same message for every cause, so a forger learns nothing of
    /// which check failed.
    package static let notThisQuery = invalidInput("NextToken: is not a token this query returned")

    /// Not an answer: the connection was closed by a `dropConnectionRate` fault (logged as
    /// `dropped`).
    package static let dropped = ServerError(.dropped, "")

    // MARK: Start-up

    /// A config error about the member at `path` (empty for the whole document).
    package init(configAt path: String, _ problem: String) {
        self.init(.config, JSONProblem.at(path, problem))
    }

    /// The error with each of `secrets` (non-empty ones, longest first) replaced by `<secret>`.
    package func redacting(_ secrets: [String]) -> ServerError {
        var text = message
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            text = text.replacing(secret, with: "<secret>")
        }
        return ServerError(code, text, underlying: underlying)
    }

    /// The listen error behind `error` (NIO's `IOError` of the bind, or its
    /// `SocketAddressError.UnknownHost` of resolving `host`), naming the address and the option that
    /// changes it: `cannot listen on 127.0.0.1:4510: the port is in use; choose another with --port
    /// (or --port 0 for any free port)`; nil for any other error.
    package static func listening(_ error: any Error, host: String, port: Int) -> ServerError? {
        let what: String
        switch error {
        case let error as IOError:
            switch error.errnoCode {
            case EADDRINUSE: what = "the port is in use; choose another with --port (or --port 0 for any free port)"
            case EACCES:
                what =
                    "permission denied (a port below 1024 needs privileges); choose another with --port "
                    + "(or --port 0 for any free port)"
            case EADDRNOTAVAIL:
                what = "the host is not an address of this machine; choose another with --host (127.0.0.1 by default)"
            default: what = String(cString: strerror(error.errnoCode))
            }
        case is SocketAddressError.UnknownHost:
            what = "the host name does not resolve; choose another with --host (127.0.0.1 by default)"
        default:
            return nil
        }
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return ServerError(.listen, "cannot listen on \(address): \(what)", underlying: error)
    }

    /// The connection limit (`--max-connections` `requested`, nil for the default) does not fit
    /// in `ulimit -n` (`descriptorLimit`), `reserved` descriptors kept for the rest: e.g.
    /// `--max-connections 5000 needs 5128 file descriptors, but ulimit -n is 1024: raise ulimit -n
    /// or lower --max-connections`.
    package static func connectionLimit(requested: Int?, descriptorLimit: Int, reserved: Int) -> ServerError {
        if let requested {
            return ServerError(
                .connectionLimit,
                "--max-connections \(requested) needs \(requested + reserved) file descriptors, but ulimit -n is "
                    + "\(descriptorLimit): raise ulimit -n or lower --max-connections")
        }
        return ServerError(
            .connectionLimit,
            "ulimit -n is \(descriptorLimit), too few file descriptors to serve (at least \(reserved + 1)); "
                + "raise ulimit -n")
    }
}
