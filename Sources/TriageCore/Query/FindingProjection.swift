/// The top-level members of a composed finding that a query reads, taken from the stored parts
/// (provider document and ``CustomerState``) without composing the finding: what
/// ``FindingComposer`` would write for those members, parsed.
///
/// As in the composer, a customer field (`Severity`, `Workflow`, …) comes from the state, any
/// other member from the first provider member with that name. Names are matched as written in
/// the document (a key spelled with escapes is another name), as the store's import matches them.
package struct FindingProjection: Sendable {
    /// The names kept (UTF-8); `nil` keeps every member.
    private let names: [[UInt8]]?
    private let customerFields: [CustomerField]

    /// Whether the provider document is needed beyond `ProductArn` and `Id` (which the store
    /// keeps in columns): when not, ``members(state:productArn:id:)`` gives the same members.
    package let readsDocument: Bool

    /// A projection onto `names`; `nil` for every member (`Keyword` filters).
    package init(names: Set<String>?) {
        self.names = names.map { $0.sorted().map { Array($0.utf8) } }
        customerFields = CustomerField.allCases.filter { names?.contains($0.name) ?? true }
        let customerNames = Set(CustomerField.allCases.map(\.name))
        readsDocument = names.map { !$0.subtracting(customerNames).isSubset(of: ["ProductArn", "Id"]) } ?? true
    }

    /// The members from the state and the two keys alone, for a projection that does not
    /// ``readsDocument``.
    package func members(state: CustomerState, productArn: String, id: String) -> JSONValue {
        var out = [
            JSONMember(key: "ProductArn", value: .string(productArn)), JSONMember(key: "Id", value: .string(id)),
        ]
        for field in customerFields {
            if let value = state[field] { out.append(JSONMember(key: field.name, value: value)) }
        }
        return .object(out)
    }

    /// The members as an object (provider members in document order, then the state's).
    /// - Throws: ``CoreError`` when `provider` is not a JSON object.
    package func members(provider: UnsafeRawBufferPointer, state: CustomerState) throws(CoreError) -> JSONValue {
        try members(provider: provider, layout: try JSONObjectLayout.scan(provider), state: state)
    }

    /// The members, with the provider's layout already scanned.
    package func members(provider: UnsafeRawBufferPointer, layout: JSONObjectLayout, state: CustomerState)
        throws(CoreError) -> JSONValue
    {
        var out: [JSONMember] = []
        var taken: [[UInt8]] = []
        for member in layout.members {
            let key = UnsafeRawBufferPointer(rebasing: provider[member.key])
            guard CustomerField(keyBytes: key) == nil else { continue }
            if let names, !names.contains(where: { $0.elementsEqual(key) }) { continue }
            guard !taken.contains(where: { $0.elementsEqual(key) }) else { continue }
            taken.append(Array(key))
            let value = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: provider[member.value]))
            out.append(JSONMember(key: String(decoding: key, as: UTF8.self), value: value))
        }
        for field in customerFields {
            if let value = state[field] { out.append(JSONMember(key: field.name, value: value)) }
        }
        return .object(out)
    }
}
