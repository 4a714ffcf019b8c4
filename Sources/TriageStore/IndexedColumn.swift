/// The filter fields the `finding` table holds in columns of its own, each with an index that
/// serves the default order (`UpdatedAt` descending, then `ProductArn`, `Id`): filters on them
/// run in SQL, and a page filtered on one with `EQUALS` is read from its index and stops when
/// it is full.
///
/// Each column holds exactly what ``FindingFilterField/firstString(in:)`` reads from the composed
/// finding (``IndexedValues``), so SQL and ``TriageCore/FieldFilters`` agree on every row.
enum IndexedColumn: String, CaseIterable {
    case id
    case productArn = "product_arn"
    case awsAccountId = "aws_account_id"
    case region
    case workflowStatus = "workflow_status"
    case recordState = "record_state"
    case severityLabel = "severity_label"
    case complianceStatus = "compliance_status"
    /// `UpdatedAt` in nanoseconds since the epoch (``TriageCore/FindingTimestamp/epochNanoseconds``).
    case updatedKey = "updated_key"

    /// The column of filter field `name`, if it has one.
    init?(field name: String) {
        switch name {
        case "Id": self = .id
        case "ProductArn": self = .productArn
        case "AwsAccountId": self = .awsAccountId
        case "Region": self = .region
        case "WorkflowStatus": self = .workflowStatus
        case "RecordState": self = .recordState
        case "SeverityLabel": self = .severityLabel
        case "ComplianceStatus": self = .complianceStatus
        case "UpdatedAt": self = .updatedKey
        default: return nil
        }
    }

    /// Whether a finding may have no value (SQL `NULL`).
    var isNullable: Bool { self == .workflowStatus || self == .severityLabel || self == .complianceStatus }

    /// The column qualified by the query's table alias, `f.<name>`.
    var qualified: String { "f.\(rawValue)" }

    /// The index serving filters on the column in the default order.
    var indexName: String { "finding_by_\(rawValue)" }

    /// Whether the column's index holds the Region second (``indexColumns``): the columns of few
    /// values, whose ranges span every Region. A range of one (value, Region) pair then holds
    /// exactly one Region's rows in order (``QueryPlan``); `Id` and `ProductArn` ranges are small
    /// or of one Region already.
    var isRegional: Bool {
        switch self {
        case .awsAccountId, .workflowStatus, .recordState, .severityLabel, .complianceStatus: true
        case .id, .productArn, .region, .updatedKey: false
        }
    }

    /// The index's columns: the column, the Region for a regional column, then the default order's
    /// key (`updated_key` alone).
    var indexColumns: String {
        switch self {
        case .updatedKey: "updated_key DESC, product_arn, id"
        case .productArn: "product_arn, updated_key DESC, id"
        case .id: "id, updated_key DESC, product_arn"
        default: "\(rawValue), \(isRegional ? "region, " : "")updated_key DESC, product_arn, id"
        }
    }
}
