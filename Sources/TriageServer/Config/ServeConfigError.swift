/// Why a `triage serve` config file was refused: one line naming the member by its path
/// (`credentials[1].polices: unknown member (did you mean policies?)`).
///
/// Messages quote member names, account ids, access key ids and enumerated words (operators,
/// `Effect`), never a member's value otherwise: no secret access key or session token can appear.
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

    /// The message.
    package var description: String { message }
}
