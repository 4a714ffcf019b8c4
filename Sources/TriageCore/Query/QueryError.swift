/// Why a GetFindings request cannot be run: the body of an `InvalidInputException`.
///
/// The message names the member that is wrong, as a path into the request
/// (`Filters.WorkflowStatus[1].Comparison`, `MaxResults`, `SortCriteria[0].Field`), says what is
/// wrong and, for an unknown name, suggests the nearest known one. It quotes at most the caller's
/// own filter value, shortened to 64 characters; never a finding.
package struct QueryError: Error, CustomStringConvertible, Equatable {
    /// One line, e.g. `MaxResults: 500 is outside 1..100`.
    package let message: String

    /// An error with `message`.
    package init(_ message: String) {
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
