/// One page of GetFindings results (``FindingsStore/findings(_:visibleAccounts:visibleRegions:after:now:)``).
package struct FindingsPage: Sendable {
    /// The findings, composed exactly as `triage export` writes them (compact JSON, no newline),
    /// in the query's order; at most its `MaxResults`.
    package var findings: [[UInt8]]
    /// Where the next page starts: opaque bytes to pass back as `after`; `nil` on the last page.
    package var cursor: [UInt8]?

    /// A page.
    package init(findings: [[UInt8]], cursor: [UInt8]?) {
        self.findings = findings
        self.cursor = cursor
    }
}
