/// The customer-updatable part of a stored finding: the current top-level values of `Note`,
/// `Severity` (the whole object, provider parts such as `Original` included), `VerificationState`,
/// `Confidence`, `Criticality`, `Types`, `UserDefinedFields`, `Workflow` and `RelatedFindings`,
/// plus the fields the customer owns (`shared/spec/batchupdatefindings.md` §3, §5).
///
/// Each value is held as compact JSON bytes, so applying an update re-encodes only the members it
/// changes. ``encoded`` is the small JSON object the store keeps per finding; members are in the
/// API's order (``CustomerField``).
package struct CustomerState: Sendable, Equatable {
    /// Compact JSON of each field's value, indexed by ``CustomerField/rawValue``; `nil` = absent.
    private var values: [[UInt8]?]
    /// The fields set through `BatchUpdateFindings` at least once.
    package var owned: OwnedFields

    /// A state with no member and nothing owned.
    package init(owned: OwnedFields = []) {
        values = Array(repeating: nil, count: CustomerField.allCases.count)
        self.owned = owned
    }

    /// Decodes ``encoded`` bytes as kept by the store.
    ///
    /// - Throws: ``JSONParseError`` if the bytes are not a JSON object; members other than the
    ///   nine customer fields are an error too (the store never writes them).
    package init(encoded: UnsafeRawBufferPointer, owned: OwnedFields) throws(JSONParseError) {
        self.init(owned: owned)
        let layout = try JSONObjectLayout.scan(encoded)
        for member in layout.members {
            guard let field = CustomerField(keyBytes: UnsafeRawBufferPointer(rebasing: encoded[member.key])) else {
                throw JSONParseError(offset: member.key.lowerBound, reason: "not a customer field")
            }
            var value: [UInt8] = []
            value.reserveCapacity(member.value.count)
            CompactJSON.appendMinified(UnsafeRawBufferPointer(rebasing: encoded[member.value]), to: &value)
            values[field.rawValue] = value
        }
    }

    /// Decodes ``encoded`` bytes held in an array; see ``init(encoded:owned:)-(UnsafeRawBufferPointer,_)``.
    package init(encoded: [UInt8], owned: OwnedFields) throws(JSONParseError) {
        let result = encoded.withUnsafeBytes { buffer in
            Result { () throws(JSONParseError) -> CustomerState in try CustomerState(encoded: buffer, owned: owned) }
        }
        self = try result.get()
    }

    /// The compact JSON of `field`'s value, `nil` when absent. Setting stores the bytes as given:
    /// they must be one valid, compact JSON value.
    package subscript(json field: CustomerField) -> [UInt8]? {
        get { values[field.rawValue] }
        set { values[field.rawValue] = newValue }
    }

    /// The parsed value of `field`, `nil` when absent.
    package subscript(field: CustomerField) -> JSONValue? {
        get {
            guard let bytes = values[field.rawValue] else { return nil }
            return try? JSONParser.parse(bytes)
        }
        set { values[field.rawValue] = newValue.map(CompactJSON.bytes) }
    }

    /// The present members in the API's order (for tests and readers).
    package var members: [JSONMember] {
        CustomerField.allCases.compactMap { field in self[field].map { JSONMember(key: field.name, value: $0) } }
    }

    /// `Workflow.Status` if it is a string, else `nil`.
    package var workflowStatus: String? {
        guard case .object(let members)? = self[.workflow] else { return nil }
        for member in members where member.key == "Status" {
            if case .string(let status) = member.value { return status }
        }
        return nil
    }

    /// The state as the compact JSON object the store keeps, e.g.
    /// `{"Severity":{...},"VerificationState":"UNKNOWN","Workflow":{"Status":"NEW"}}`.
    package var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(membersByteCount + 2)
        out.append(UInt8(ascii: "{"))
        var first = true
        for field in CustomerField.allCases {
            guard let value = values[field.rawValue] else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: field.memberPrefix)
            out.append(contentsOf: value)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Bytes the present members add to a composed finding: `"Name":value` each, plus one comma
    /// each (every finding has provider members to separate them from).
    package var membersByteCount: Int {
        var total = 0
        for field in CustomerField.allCases {
            if let value = values[field.rawValue] { total += field.memberPrefix.count + value.count + 1 }
        }
        return total
    }

    /// The size in bytes of the finding that ``FindingComposer`` builds from this state and a
    /// provider document whose residual size (its composed size without the customer members,
    /// see ``FindingComposer/residualByteCount(of:)``) is `providerBytes`.
    package func composedByteCount(providerBytes: Int) -> Int {
        providerBytes + membersByteCount
    }

    /// This state with `update` applied at `now` (§3), or the per-finding error.
    ///
    /// - Parameters:
    ///   - now: the service time stamped into `Note.UpdatedAt`, RFC 3339 UTC with milliseconds
    ///     (`2026-11-24T02:00:00.000Z`); the caller's clock, so this stays pure.
    ///   - providerBytes: the residual size of the stored provider document, for the 240 KB check.
    /// - Returns: `.invalidInput` when the merged `UserDefinedFields` would exceed 50 pairs,
    ///   `.findingSizeExceeded` when the composed finding would exceed `Limits.maxFindingBytes`.
    package func applying(_ update: FindingUpdate, now: String, providerBytes: Int) -> Result<CustomerState, ErrorCode> {
        var next = self
        if let error = update.apply(to: &next, now: now) { return .failure(error) }
        if next.composedByteCount(providerBytes: providerBytes) > Limits.maxFindingBytes {
            return .failure(.findingSizeExceeded)
        }
        return .success(next)
    }
}
