/// The Security Hub operations `triage serve` answers (`docs/serve.md`), named as
/// the API names them; the names are also the members of the config's `quotas`.
package enum ServeOperation: String, CaseIterable, Sendable {
    /// `PATCH /findings/batchupdate`.
    case batchUpdateFindings = "BatchUpdateFindings"
    /// `POST /findings`.
    case getFindings = "GetFindings"
    /// `POST /findings/import`.
    case batchImportFindings = "BatchImportFindings"
    /// `GET /findingAggregator/list`.
    case listFindingAggregators = "ListFindingAggregators"
    /// `GET /findingAggregator/get/{FindingAggregatorArn+}`.
    case getFindingAggregator = "GetFindingAggregator"

    /// `POST /findingHistory/get`.
    case getFindingHistory = "GetFindingHistory"

    /// The IAM action, `securityhub:<Operation>`, as policies name it and denials quote it.
    package var action: String { "securityhub:\(rawValue)" }
}
