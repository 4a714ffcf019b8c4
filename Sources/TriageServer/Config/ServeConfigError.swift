/// Why a `triage serve` config file was refused: one line naming the member by its path
/// (`credentials[1].polices: unknown member (did you mean policies?)`).
///
/// Messages quote member names, account ids and access key ids, never another member's value; and
/// `ServeConfig(json:)` takes every secret access key and session token of the document out of
/// the message (``redacting(_:)``), should one have been written as a member name.
package struct ServeConfigError: Error, CustomStringConvertible, Equatable {
    /// `<path>: <problem>`, or the problem alone for the document as a whole.
    package let message: String

    /// An error with `message` as it is.
    package init(_ message: String) {
        self.message = message
    }

    /// An error about the member at `path` (empty for the whole document).
    package init(at path: String, _ problem: String) {
        message = path.isEmpty ? problem : "\(path): \(problem)"
    }

    /// The error with each of `secrets` (non-empty ones, longest first) replaced by `<secret>`.
    package func redacting(_ secrets: [String]) -> ServeConfigError {
        var text = message
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            text = text.replacing(secret, with: "<secret>")
        }
        return ServeConfigError(text)
    }

    /// The message.
    package var description: String { message }
}
