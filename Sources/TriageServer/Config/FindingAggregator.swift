import Crypto
import TriageCore
import TriageSigV4

/// Security Hub's cross-Region aggregation as the config's `aggregator` sets it up
/// (`docs/serve.md`, Finding aggregators): the aggregation (home) Region and the Regions linked to
/// it, which decide what a request sees and updates and whose quotas a write draws from.
///
/// Without one, every Region keeps its findings to itself: a request signed for R reads and
/// updates only R's findings. With one, a request signed for the aggregation Region also reads and
/// updates the findings of every linked Region (Security Hub replicates them to it and an update
/// made there back to their Region); a linked Region still sees only its own. One aggregator serves
/// every account of the config, each with an ARN of its own (``arn(account:)``).
package struct FindingAggregator: Sendable, Equatable {
    /// How the Regions are linked, as `CreateFindingAggregator`'s `RegionLinkingMode` names it.
    package enum LinkingMode: String, CaseIterable, Sendable {
        /// Every Region of the aggregation Region's partition.
        case allRegions = "ALL_REGIONS"
        /// Every Region of the partition except ``FindingAggregator/regions``.
        case allRegionsExceptSpecified = "ALL_REGIONS_EXCEPT_SPECIFIED"
        /// Only ``FindingAggregator/regions``.
        case specifiedRegions = "SPECIFIED_REGIONS"
        /// None: the aggregation Region sees only its own findings.
        case noRegions = "NO_REGIONS"
    }

    /// The aggregation Region (`FindingAggregationRegion`).
    package let region: String
    /// How the Regions are linked.
    package let mode: LinkingMode
    /// The Regions the mode names (excluded or included), in the config's order; empty for
    /// `ALL_REGIONS` and `NO_REGIONS`.
    package let regions: [String]
    /// The Regions whose findings the aggregation Region reads and updates, itself left out.
    package let linkedRegions: Set<String>
    /// The partition of ``region`` (`aws`, `aws-cn`, `aws-us-gov`, ...), as ARNs name it.
    package let partition: String

    /// An aggregator in `region` linking Regions as `mode` and `regions` say.
    /// - Precondition: `region` and `regions` are Regions of one partition (the config checks it).
    package init(region: String, mode: LinkingMode, regions: [String]) {
        self.region = region
        self.mode = mode
        self.regions = regions
        let (partition, partitionRegions) = Self.partition(of: region) ?? ("aws", [region])
        self.partition = partition
        let linked: Set<String>
        switch mode {
        case .allRegions: linked = partitionRegions
        case .allRegionsExceptSpecified: linked = partitionRegions.subtracting(regions)
        case .specifiedRegions: linked = Set(regions)
        case .noRegions: linked = []
        }
        linkedRegions = linked.subtracting([region])
    }

    /// The Regions whose findings a request signed for `signed` reads and updates: the aggregation
    /// Region's own and its linked Regions', any other Region its own.
    package func visibleRegions(signedFor signed: String) -> Set<String> {
        signed == region ? linkedRegions.union([region]) : [signed]
    }

    /// The Regions whose quota buckets a write signed for `signed` draws from (besides `signed`'s
    /// own): the write "impacts linked Regions and the aggregation Region" (Security Hub's quotas
    /// page). Signed for the aggregation Region: each linked Region among `touched` (the Regions of
    /// the findings it names); signed for a linked Region: the aggregation Region, to which the
    /// change is replicated; any other Region: none.
    package func alsoCharged(signedFor signed: String, touched: Set<String>) -> Set<String> {
        if signed == region { return touched.intersection(linkedRegions) }
        return linkedRegions.contains(signed) ? [region] : []
    }

    /// The aggregator's ARN for `account`:
    /// `arn:<partition>:securityhub:<aggregation Region>:<account>:finding-aggregator/<id>`, the id
    /// shaped as Security Hub's (8-4-4-4-12 hexadecimal digits) and derived from the account and
    /// the aggregation Region, so it is the same in every run and differs between accounts.
    package func arn(account: String) -> String {
        let digest = SHA256.hash(data: Array("triage serve finding-aggregator \(account) \(region)".utf8))
        let hex = Array(SigV4Encoding.hex(Array(digest.prefix(16))))
        let id = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
        return "arn:\(partition):securityhub:\(region):\(account):finding-aggregator/\(id)"
    }

    /// The partition of `region` and its Regions, as botocore's `partitions.json` groups them
    /// (``TriageCore/AWSRegions``); nil for a name that is no Region.
    package static func partition(of region: String) -> (name: String, regions: Set<String>)? {
        if AWSRegions.commercial.contains(region) { return ("aws", AWSRegions.commercial) }
        if AWSRegions.china.contains(region) { return ("aws-cn", AWSRegions.china) }
        if AWSRegions.govCloud.contains(region) { return ("aws-us-gov", AWSRegions.govCloud) }
        guard AWSRegions.isolated.contains(region) else { return nil }
        // The isolated partitions, told apart by their Regions' prefixes (none a prefix of another).
        let prefixes = [
            ("us-iso-", "aws-iso"), ("us-isob-", "aws-iso-b"), ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"),
            ("eusc-", "aws-eusc"),
        ]
        guard let (prefix, name) = prefixes.first(where: { region.hasPrefix($0.0) }) else { return nil }
        return (name, AWSRegions.isolated.filter { $0.hasPrefix(prefix) })
    }
}
