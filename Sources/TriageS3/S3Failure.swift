/// Why an S3 request failed: S3's answer (its HTTP status, error code and message), or no answer
/// (the transport's reason). Turned into a ``TriageIO/TriageIOError`` naming the URL by the store.
package struct S3Failure: Error, Sendable, CustomStringConvertible {
    /// The HTTP status of S3's answer; nil when there was none.
    package var status: Int?
    /// S3's error code (`NoSuchKey`, `NoSuchBucket`, `AccessDenied`, `PreconditionFailed`), when
    /// the answer had one.
    package var code: String?
    /// S3's message, or the transport's reason.
    package var detail: String

    /// An answer with an error.
    package init(status: Int, code: String?, message: String) {
        self.status = status
        self.code = code
        self.detail = message
    }

    /// Whether a failure without an answer may pass when tried again (a connection that broke, a
    /// timeout), unlike a bad configuration or missing credentials.
    private var transient = false

    /// A failure without an answer from S3: `transient` for the transport's (no connection, a
    /// timeout), not for a bad configuration or missing credentials.
    package init(detail: String, transient: Bool = false) {
        self.status = nil
        self.code = nil
        self.detail = detail
        self.transient = transient
    }

    /// Whether trying again may help: a transport failure, S3's 5xx (`InternalError`, `SlowDown`)
    /// and `RequestTimeout`.
    package var isRetryable: Bool {
        guard let status else { return transient }
        return status >= 500 || code == "RequestTimeout"
    }

    /// `S3 answered CODE (HTTP STATUS): MESSAGE`, or the transport's reason.
    package var description: String {
        guard let status else { return detail }
        let message = detail.isEmpty ? "" : ": \(detail)"
        return "S3 answered \(code ?? "an error") (HTTP \(status))\(message)"
    }
}
