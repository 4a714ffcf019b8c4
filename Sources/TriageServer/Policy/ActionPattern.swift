/// One entry of a statement's `Action` or `NotAction`: `*`, or `service:action` where either
/// part may hold IAM wildcards (`securityhub:*`, `securityhub:Batch*Findings`, `*:Get?indings`).
/// Matched case-insensitively, as IAM matches action names.
package struct ActionPattern: Sendable, Equatable {
    /// The pattern as written.
    package let text: String

    /// A pattern as written; the config reader validates it (`ActionPattern+Config.swift`).
    package init(_ text: String) {
        self.text = text
    }

    /// Whether the pattern names `operation` (`securityhub:<Operation>`).
    package func matches(_ operation: ServeOperation) -> Bool {
        WildcardPattern.matches(text, operation.action, ignoringCase: true)
    }
}
