/// One `SortCriteria` entry `{Field, SortOrder}`: a scalar filter field and a direction.
///
/// Order of values: strings (and IP addresses) byte for byte, numbers numerically, dates as
/// instants, `false` before `true`; a finding without the field (or with a value of another
/// type, or a date that does not parse) comes last in either direction. Ties fall to the next
/// criterion, then to `ProductArn` and `Id` ascending (byte order). *Choice*: `SeverityLabel`
/// sorts as text like any string (`CRITICAL` < `HIGH` < `INFORMATIONAL` …); sort by
/// `SeverityNormalized` for severity order.
package struct SortCriterion: Sendable, Hashable {
    /// The field; always ``FindingFilterField/isScalar``.
    package let field: FindingFilterField
    /// `SortOrder` `desc`; `asc` otherwise (*Choice*: the default when `SortOrder` is missing).
    package let descending: Bool

    /// A criterion.
    /// - Precondition: `field.isScalar`.
    package init(field: FindingFilterField, descending: Bool) {
        precondition(field.isScalar, "sorting on a field without a single value")
        self.field = field
        self.descending = descending
    }

    /// The default order of GetFindings: `UpdatedAt` descending.
    package static let defaultOrder = [
        SortCriterion(field: FindingFilterField.named("UpdatedAt")!, descending: true)
    ]
}
