/// A `NextToken` that this server did not issue for this query (another query's, forged,
/// truncated, not base64): answered `InvalidInputException` with ``message``.
package struct PageTokenError: Error, CustomStringConvertible, Equatable {
    /// `NextToken: is not a token this query returned` — the same for every cause, so a
    /// forger learns nothing of which check failed.
    package let message: String

    /// The one error.
    package static let notThisQuery = PageTokenError(message: "NextToken: is not a token this query returned")

    /// The message.
    package var description: String { message }
}
