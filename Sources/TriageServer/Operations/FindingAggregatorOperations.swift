import TriageCore

/// `ListFindingAggregators` (`GET /findingAggregator/list?NextToken=&MaxResults=`) and
/// `GetFindingAggregator` (`GET /findingAggregator/get/{FindingAggregatorArn+}`): their request
/// parameters and the answers' JSON, in botocore's shapes (`ListFindingAggregatorsResponse`,
/// `GetFindingAggregatorResponse`).
enum FindingAggregatorOperations {
    /// The path before `GetFindingAggregator`'s greedy ARN label.
    static let getPrefix = "/findingAggregator/get/"
    /// `MaxResults`'s range in the model.
    static let maxResults = 1...100

    /// The parameters of a `ListFindingAggregators` query string.
    struct ListRequest: Equatable {
        var nextToken: String?
        var maxResults: Int?
    }

    /// The `NextToken` and `MaxResults` of `query` (percent-encoded, `&`-separated; other
    /// parameters are ignored, as AWS ignores a query parameter an operation does not model).
    /// - Throws: `InvalidInputException` for an escape that is not `%XX` of UTF-8, or a
    ///   `MaxResults` that is not an integer from 1 to 100 (the model's range).
    static func decodeList(query: Substring) throws(ServerError) -> ListRequest {
        var request = ListRequest()
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(parts[0]) else { throw .invalidInput("The query string is not valid") }
            let rawValue = parts.count > 1 ? parts[1] : ""
            guard let value = percentDecoded(rawValue) else {
                throw .invalidInput("\(name): is not a valid query parameter value")
            }
            switch name {
            case "NextToken": request.nextToken = value
            case "MaxResults":
                guard let number = Int(value), maxResults.contains(number) else {
                    throw .invalidInput(
                        "MaxResults: must be an integer from \(maxResults.lowerBound) to \(maxResults.upperBound)")
                }
                request.maxResults = number
            default: continue
            }
        }
        return request
    }

    /// The ARN in a `GetFindingAggregator` path (after ``getPrefix``), percent-decoded as botocore
    /// encodes a greedy label (`:` as `%3A`, `/` kept).
    /// - Throws: `InvalidInputException` for an empty ARN or an escape that is not `%XX` of UTF-8.
    static func decodeArn(path: Substring) throws(ServerError) -> String {
        let raw = path.dropFirst(getPrefix.utf8.count)
        guard let arn = percentDecoded(raw) else {
            throw .invalidInput("FindingAggregatorArn: is not a valid percent-encoded ARN")
        }
        guard arn.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw .invalidInput("FindingAggregatorArn: must contain a non-whitespace character")
        }
        return arn
    }

    /// Whether `arn` is shaped as a finding aggregator's ARN:
    /// `arn:<partition>:securityhub:<region>:<12 digits>:finding-aggregator/<id>`.
    static func isAggregatorArn(_ arn: String) -> Bool {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, fields[2] == "securityhub",
            !fields[3].isEmpty, ConfigNode.isAccountId(String(fields[4]))
        else { return false }
        let resource = fields[5].split(separator: "/", omittingEmptySubsequences: false)
        return resource.count == 2 && resource[0] == "finding-aggregator" && !resource[1].isEmpty
    }

    /// `{"FindingAggregators": [{"FindingAggregatorArn": ...}]}` (no `NextToken`: there is at
    /// most one, as the model says of the real service).
    static func listAnswer(arns: [String]) -> [UInt8] {
        var out = Array(#"{"FindingAggregators":["#.utf8)
        for (index, arn) in arns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"FindingAggregatorArn":"#.utf8)
            JSONText.appendString(arn, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// `{"FindingAggregatorArn", "FindingAggregationRegion", "RegionLinkingMode", "Regions"}`;
    /// `Regions` (the included or excluded Regions) only for the modes that name Regions.
    static func getAnswer(_ aggregator: FindingAggregator, arn: String) -> [UInt8] {
        var out = Array(#"{"FindingAggregatorArn":"#.utf8)
        JSONText.appendString(arn, to: &out)
        out.append(contentsOf: #","FindingAggregationRegion":"#.utf8)
        JSONText.appendString(aggregator.region, to: &out)
        out.append(contentsOf: #","RegionLinkingMode":"#.utf8)
        JSONText.appendString(aggregator.mode.rawValue, to: &out)
        if !aggregator.regions.isEmpty {
            out.append(contentsOf: #","Regions":["#.utf8)
            for (index, region) in aggregator.regions.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(region, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `text` with every `%XX` replaced by its byte; nil for a `%` not followed by two hexadecimal
    /// digits, or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(HexDigit.value), let low = utf8.next().flatMap(HexDigit.value) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

}
