import TriageCore

/// How one imported finding ended (`BatchImportFindings`, `docs/contract.md`, import).
package enum ImportOutcome: Hashable, Sendable {
    /// A new finding was stored.
    case created(FindingIdentifier)
    /// A stored finding was replaced by a later version (`UpdatedAt` later than the stored one).
    case updated(FindingIdentifier)
    /// A stored finding already had an `UpdatedAt` at least as late; nothing changed.
    case ignored(FindingIdentifier)
    /// The finding was rejected: `InvalidInput` (the message names the member, e.g.
    /// `AwsAccountId: required member is missing`) or `FindingSizeExceeded`. `id` is the
    /// finding's `Id` when it had one (the API's `FailedFindings[].Id`).
    case failed(id: String?, code: ErrorCode, message: String)

    /// Whether the API counts it in `SuccessCount` (created, updated and ignored do).
    package var isSuccess: Bool {
        if case .failed = self { return false }
        return true
    }
}
