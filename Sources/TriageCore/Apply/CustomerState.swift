/// The customer-updatable part of a stored finding: the current top-level values of `Note`,
/// `Severity` (the whole object, provider parts such as `Original` included), `VerificationState`,
/// `Confidence`, `Criticality`, `Types`, `UserDefinedFields`, `Workflow` and `RelatedFindings`,
/// plus the fields the customer owns (`docs/contract.md`: applying updates, import).
///
/// The values are kept as JSON bytes in one buffer (a slot per field), so decoding a stored state
/// is one copy and applying an update re-encodes only the members it changes. ``encoded`` is the
/// small JSON object the store keeps per finding; members are in the API's order
/// (``CustomerField``).
package struct CustomerState: Sendable {
    /// The values' bytes; slots point into it. Replaced values leave stale bytes behind until the
    /// state is encoded and decoded again.
    private var storage: [UInt8]
    /// Start offset of each field's value in ``storage``, by ``CustomerField/rawValue``; -1 = absent.
    private var starts = SIMD16<Int32>(repeating: -1)
    /// End offset (exclusive) of each field's value.
    private var ends = SIMD16<Int32>(repeating: -1)
    /// The fields set through `BatchUpdateFindings` at least once.
    package var owned: OwnedFields

    /// A state with no member and nothing owned.
    package init(owned: OwnedFields = []) {
        storage = []
        self.owned = owned
    }

    /// Decodes ``encoded`` bytes as kept by the store (values are taken as written).
    ///
    /// - Throws: ``CoreError`` if the bytes are not a JSON object; members other than the
    ///   nine customer fields are an error too (the store never writes them).
    package init(encoded: UnsafeRawBufferPointer, owned: OwnedFields) throws(CoreError) {
        let layout = try JSONObjectLayout.scan(encoded)
        storage = Array(encoded)
        self.owned = owned
        for member in layout.members {
            guard let field = CustomerField(keyBytes: UnsafeRawBufferPointer(rebasing: encoded[member.key])) else {
                throw .invalidJSON(offset: member.key.lowerBound, reason: "not a customer field")
            }
            starts[field.rawValue] = Int32(member.value.lowerBound)
            ends[field.rawValue] = Int32(member.value.upperBound)
        }
    }

    /// Decodes ``encoded`` bytes held in an array; see ``init(encoded:owned:)-(UnsafeRawBufferPointer,_)``.
    package init(encoded: [UInt8], owned: OwnedFields) throws(CoreError) {
        let result = encoded.withUnsafeBytes { buffer in
            Result { () throws(CoreError) -> CustomerState in try CustomerState(encoded: buffer, owned: owned) }
        }
        self = try result.get()
    }

    /// Whether `field` has a value.
    package func contains(_ field: CustomerField) -> Bool { starts[field.rawValue] >= 0 }

    /// Calls `body` with the JSON bytes of `field`'s value, or returns `nil` when it is absent.
    package func withValue<T>(_ field: CustomerField, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        let start = Int(starts[field.rawValue])
        guard start >= 0 else { return nil }
        let end = Int(ends[field.rawValue])
        return try storage.withUnsafeBytes { bytes in try body(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) }
    }

    /// Sets `field` to the JSON value that `write` appends to the buffer it is given (it must
    /// append exactly one valid, compact JSON value).
    package mutating func write(_ field: CustomerField, _ write: (inout [UInt8]) -> Void) {
        let start = storage.count
        write(&storage)
        starts[field.rawValue] = Int32(start)
        ends[field.rawValue] = Int32(storage.count)
    }

    /// Removes `field`'s value.
    package mutating func remove(_ field: CustomerField) {
        starts[field.rawValue] = -1
        ends[field.rawValue] = -1
    }

    /// The JSON bytes of `field`'s value, `nil` when absent. Setting stores the bytes as given:
    /// they must be one valid, compact JSON value.
    package subscript(json field: CustomerField) -> [UInt8]? {
        get { withValue(field) { Array($0) } }
        set {
            guard let newValue else { return remove(field) }
            write(field) { $0.append(contentsOf: newValue) }
        }
    }

    /// The parsed value of `field`, `nil` when absent.
    package subscript(field: CustomerField) -> JSONValue? {
        get { withValue(field) { try? JSONParser.parse($0) } ?? nil }
        set {
            guard let newValue else { return remove(field) }
            write(field) { CompactJSON.append(newValue, to: &$0) }
        }
    }

    /// The present members in the API's order (for tests and readers).
    package var members: [JSONMember] {
        CustomerField.allCases.compactMap { field in self[field].map { JSONMember(key: field.name, value: $0) } }
    }

    /// `Workflow.Status` if it is a string, else `nil`.
    package var workflowStatus: String? {
        guard case .string(let status)? = self[.workflow]?[key: "Status"] else { return nil }
        return status
    }

    /// Appends `"Name":value` for `field` to `out`; returns whether the field is present.
    @discardableResult
    package func appendMember(_ field: CustomerField, to out: inout [UInt8]) -> Bool {
        let start = Int(starts[field.rawValue])
        guard start >= 0 else { return false }
        out.append(contentsOf: field.memberPrefix)
        out.append(contentsOf: storage[start..<Int(ends[field.rawValue])])
        return true
    }

    /// The state as the compact JSON object the store keeps, e.g.
    /// `{"Severity":{...},"VerificationState":"UNKNOWN","Workflow":{"Status":"NEW"}}`.
    package var encoded: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(membersByteCount + 2)
        out.append(UInt8(ascii: "{"))
        for field in CustomerField.allCases where contains(field) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            appendMember(field, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Bytes the present members add to a composed finding: `"Name":value` each, plus one comma
    /// each (every finding has provider members to separate them from).
    package var membersByteCount: Int {
        var total = 0
        for field in CustomerField.allCases where contains(field) {
            total += field.memberPrefix.count + Int(ends[field.rawValue] - starts[field.rawValue]) + 1
        }
        return total
    }

    /// The size in bytes of the finding that ``FindingComposer`` builds from this state and a
    /// provider document whose residual size (its composed size without the customer members,
    /// see ``FindingComposer/residualByteCount(of:layout:)``) is `providerBytes`.
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
    package func applying(_ update: FindingUpdate, now: String, providerBytes: Int) -> Result<CustomerState, ErrorCode>
    {
        var next = self
        if let error = update.apply(to: &next, now: now) { return .failure(error) }
        if next.composedByteCount(providerBytes: providerBytes) > Limits.maxFindingBytes {
            return .failure(.findingSizeExceeded)
        }
        return .success(next)
    }
}

extension CustomerState: Equatable {
    /// Equal when the same fields are present with the same bytes and the same fields are owned.
    package static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.owned == rhs.owned else { return false }
        return CustomerField.allCases.allSatisfy { field in
            lhs.withValue(field) { Array($0) } == rhs.withValue(field) { Array($0) }
        }
    }
}
