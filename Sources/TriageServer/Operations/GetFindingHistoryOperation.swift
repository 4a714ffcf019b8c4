import TriageCore
import TriageStore

/// `GetFindingHistory` (`POST /findingHistory/get`): the request decoded and checked against
/// botocore's model (`GetFindingHistoryRequest`), the page's token bound to the query, and the
/// answer's JSON (`GetFindingHistoryResponse`).
enum GetFindingHistoryOperation {
    /// A checked request.
    struct Request: Sendable, Equatable {
        /// The finding, window and page size.
        var query: FindingHistory.Query
        /// `NextToken` as sent; `nil` when absent or empty (as GetFindings reads it).
        var nextToken: String?
    }

    /// The members `GetFindingHistoryRequest` has.
    static let members = ["FindingIdentifier", "StartTime", "EndTime", "NextToken", "MaxResults"]

    /// Decodes and checks a request body.
    /// - Throws: `InvalidInputException` naming the member: `FindingIdentifier` (with `Id` and
    ///   `ProductArn`, non-blank strings) missing or malformed, a timestamp that is not an RFC 3339
    ///   date-time (the formats of Security Hub's "Timestamps" rules), `StartTime` after `EndTime`,
    ///   `MaxResults` outside 1–100, an unknown member.
    static func decode(_ body: [UInt8]) throws(ServerError) -> Request {
        let list = try RequestBody.members(of: body, operation: .getFindingHistory)
        let object = try JSONObjectReader(
            JSONNode(.object(list), at: "", failure: ServerError.invalidInput), shape: "GetFindingHistoryRequest",
            allowed: members, nullIsAbsent: true)
        let identifierNode = try object.required("FindingIdentifier")
        let identifierObject = try JSONObjectReader(
            identifierNode, shape: "AwsSecurityFindingIdentifier", allowed: ["Id", "ProductArn"], nullIsAbsent: true)
        let id = try identifierObject.text("Id", required: true) ?? ""
        let productArn = try identifierObject.text("ProductArn", required: true) ?? ""
        let start = try instant(object, "StartTime", roundingUp: true)
        let end = try instant(object, "EndTime", roundingUp: false)
        if let start, let end, start > end {
            throw .invalidInput("StartTime: is after EndTime")
        }
        let limit = try object.integer("MaxResults", required: false) ?? FindingHistory.maxPageRecords
        guard (1...FindingHistory.maxPageRecords).contains(limit) else {
            throw .invalidInput("MaxResults: \(limit) is outside 1..\(FindingHistory.maxPageRecords)")
        }
        let token = try object.string("NextToken", required: false)
        return Request(
            query: FindingHistory.Query(
                identifier: FindingIdentifier(id: id, productArn: productArn), start: start, end: end, limit: limit),
            nextToken: token?.isEmpty == false ? token : nil)
    }

    /// A timestamp member as epoch milliseconds (sub-millisecond parts rounded inwards: up for the
    /// window's start, down for its end, so that the window never grows).
    private static func instant(_ object: JSONObjectReader<ServerError>, _ name: String, roundingUp: Bool)
        throws(ServerError) -> Int64?
    {
        guard let text = try object.string(name, required: false) else { return nil }
        guard let instant = FindingTimestamp(text) else {
            throw .invalidInput("\(name): \(JSONProblem.shown(text)) is not an RFC 3339 date-time")
        }
        let milliseconds = instant.seconds * 1000 + Int64(instant.nanoseconds / 1_000_000)
        return roundingUp && instant.nanoseconds % 1_000_000 != 0 ? milliseconds + 1 : milliseconds
    }

    /// What a token is bound to: the finding and the window (not the page size, which a client may
    /// change between pages). Each part length-prefixed, so that no two queries share bytes.
    static func fingerprint(_ query: FindingHistory.Query) -> [UInt8] {
        var out = Array("GetFindingHistory".utf8)
        func append(_ bytes: some Collection<UInt8>) {
            appendInteger(Int64(bytes.count))
            out.append(contentsOf: bytes)
        }
        func appendInteger(_ value: Int64) {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        append(query.identifier.productArn.utf8)
        append(query.identifier.id.utf8)
        for bound in [query.start, query.end] {
            out.append(bound == nil ? 0 : 1)
            appendInteger(bound ?? 0)
        }
        return out
    }

    /// A page cursor (a record id) as a token's cursor bytes: 8 bytes, big-endian.
    static func cursorBytes(_ id: Int64) -> [UInt8] {
        stride(from: 56, through: 0, by: -8).map { UInt8(truncatingIfNeeded: id >> $0) }
    }

    /// The record id in a token's cursor bytes.
    /// - Throws: ``ServerError/notThisQuery`` unless they are 8 bytes naming a positive id.
    static func cursor(_ bytes: [UInt8]) throws(ServerError) -> Int64 {
        guard bytes.count == 8 else { throw .notThisQuery }
        let id = bytes.reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        guard id > 0 else { throw .notThisQuery }
        return id
    }

    /// `{"Records": [...], "NextToken": ...}`, records newest first, no `NextToken` on the last
    /// page. A record: `FindingIdentifier`, `UpdateTime` (RFC 3339 UTC, milliseconds),
    /// `FindingCreated`, `UpdateSource` `{Type, Identity}`, `Updates`.
    static func answer(
        records: [FindingHistory.Record], identifier: FindingIdentifier, nextToken: String?
    ) -> [UInt8] {
        var out = Array(#"{"Records":["#.utf8)
        for (index, record) in records.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"FindingIdentifier":"#.utf8)
            JSONText.appendIdentifier(identifier, to: &out)
            out.append(contentsOf: #","UpdateTime":"#.utf8)
            JSONText.appendString(Timestamp.rfc3339(milliseconds: record.updateTime), to: &out)
            out.append(contentsOf: #","FindingCreated":"#.utf8)
            out.append(contentsOf: (record.findingCreated ? "true" : "false").utf8)
            out.append(contentsOf: #","UpdateSource":{"Type":"#.utf8)
            JSONText.appendString(record.sourceType.name, to: &out)
            out.append(contentsOf: #","Identity":"#.utf8)
            JSONText.appendString(record.identity, to: &out)
            out.append(contentsOf: #"},"Updates":"#.utf8)
            out.append(contentsOf: record.updates)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let nextToken {
            out.append(contentsOf: #","NextToken":"#.utf8)
            JSONText.appendString(nextToken, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
