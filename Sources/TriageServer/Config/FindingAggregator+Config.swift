import TriageCore

/// Reading the config's `aggregator` (`docs/serve.md`, Finding aggregators):
///
/// - `{"region": "us-east-1", "linkedRegions": ["eu-west-1", ...]}`: the Regions listed
///   (`SPECIFIED_REGIONS`); `"linkedRegions": "ALL_REGIONS"`: every Region of the partition;
/// - or `CreateFindingAggregator`'s own terms: `"regionLinkingMode"` (`ALL_REGIONS`,
///   `ALL_REGIONS_EXCEPT_SPECIFIED`, `SPECIFIED_REGIONS`, `NO_REGIONS`) with `"regions"` for the
///   two modes that name Regions (and only for them, as the API refuses `Regions` with
///   `NO_REGIONS`).
///
/// Every Region must be a real one (``TriageCore/AWSRegions``, with a did-you-mean), of the
/// aggregation Region's partition, listed once and not the aggregation Region itself, so that a
/// typo never silently leaves a Region unlinked.
extension FindingAggregator {
    /// The members of `aggregator`.
    static let members = ["region", "linkedRegions", "regionLinkingMode", "regions"]

    /// The aggregator at `node`.
    init(config node: ConfigNode) throws(ServerError) {
        let object = try node.object(allowed: Self.members)
        let regionNode = try object.required("region")
        let region = try Self.region(at: regionNode)
        // A real Region always has a partition.
        let partition = Self.partition(of: region)?.name ?? "aws"
        let linkedNode = object.member("linkedRegions")
        let modeNode = object.member("regionLinkingMode")
        let regionsNode = object.member("regions")
        let mode: LinkingMode
        var regions: [String] = []
        switch (linkedNode, modeNode) {
        case (nil, nil):
            throw node.error(
                "needs linkedRegions (a list of Regions, or \"ALL_REGIONS\") or regionLinkingMode (with regions)")
        case (let linkedNode?, _?):
            throw linkedNode.error("give either linkedRegions or regionLinkingMode (with regions), not both")
        case (let linkedNode?, nil):
            if let regionsNode {
                throw regionsNode.error("goes with regionLinkingMode; with linkedRegions, list the Regions there")
            }
            if case .string(let text) = linkedNode.value {
                guard text == LinkingMode.allRegions.rawValue else {
                    throw linkedNode.error("must be a list of Regions or \"ALL_REGIONS\"")
                }
                mode = .allRegions
            } else {
                mode = .specifiedRegions
                regions = try Self.regions(at: linkedNode, home: region, partition: partition)
            }
        case (nil, _?):
            guard let chosen = try object.choice("regionLinkingMode", of: LinkingMode.allCases, required: true) else {
                throw node.error("needs regionLinkingMode")  // required: never reached
            }
            mode = chosen
            switch mode {
            case .allRegions, .noRegions:
                if let regionsNode {
                    throw regionsNode.error("must not be given with regionLinkingMode \(mode.rawValue)")
                }
            case .specifiedRegions, .allRegionsExceptSpecified:
                regions = try Self.regions(
                    at: try object.required("regions"), home: region, partition: partition)
            }
        }
        self.init(region: region, mode: mode, regions: regions)
    }

    /// A real AWS Region's name at `node`.
    private static func region(at node: ConfigNode) throws(ServerError) -> String {
        let text = try node.string()
        guard AWSRegions.names.contains(text) else {
            let hint = NameSuggestion.nearest(to: text, among: AWSRegions.names.sorted()).map {
                " (did you mean \($0)?)"
            }
            throw node.error("is not an AWS Region\(hint ?? "")")
        }
        return text
    }

    /// The non-empty list of Regions at `node`: each real, of `partition`, not `home`, once.
    private static func regions(at node: ConfigNode, home: String, partition: String) throws(ServerError)
        -> [String]
    {
        let elements = try node.array()
        guard !elements.isEmpty else {
            throw node.error("must list at least one Region (regionLinkingMode NO_REGIONS links none)")
        }
        var regions: [String] = []
        for element in elements {
            let region = try Self.region(at: element)
            guard region != home else { throw element.error("is the aggregation Region itself") }
            let elementPartition = Self.partition(of: region)?.name ?? ""
            guard elementPartition == partition else {
                throw element.error(
                    "is in partition \(elementPartition), not in \(partition) as the aggregation Region is")
            }
            guard !regions.contains(region) else { throw element.error("listed twice") }
            regions.append(region)
        }
        return regions
    }
}
