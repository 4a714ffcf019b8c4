/// What a key's policies say about one request.
package enum PolicyDecision: Equatable, Sendable {
    /// The request may go on.
    case allowed
    /// `AccessDeniedException` with this message (AWS's wording; no secret, no value of the
    /// request).
    case denied(String)

    /// An explicit `Deny` applied: `User is not authorized to perform: securityhub:X with an
    /// explicit deny in an identity-based policy`.
    package static func explicitDeny(_ action: ServeOperation) -> PolicyDecision {
        .denied("User is not authorized to perform: \(action.action) with an explicit deny in an identity-based policy")
    }

    /// The key has `Allow` statements but none applied: `User is not authorized to perform:
    /// securityhub:X because no identity-based policy allows the securityhub:X action`.
    package static func implicitDeny(_ action: ServeOperation) -> PolicyDecision {
        .denied(
            "User is not authorized to perform: \(action.action) because no identity-based policy allows the "
                + "\(action.action) action")
    }
}
