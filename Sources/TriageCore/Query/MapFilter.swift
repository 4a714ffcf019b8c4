/// One `MapFilter {Key, Value, Comparison}`: a test of the value under `Key` in a string map
/// (`ProductFields`, `UserDefinedFields`, `Resources[].Tags`, `Resources[].Details.Other`).
///
/// Comparison is one of `EQUALS`, `NOT_EQUALS`, `CONTAINS`, `NOT_CONTAINS`, byte for byte as in
/// ``StringFilter``. *Choice*: the key is matched byte for byte too; a map without the key (or
/// with a non-string value under it) fails every positive filter and passes every negative one.
/// Filters on one field are combined as string filters are, whatever their keys.
package struct MapFilter: Sendable, Hashable {
    /// `Key`.
    package var key: String
    /// `Value`.
    package var value: String
    /// `Comparison` (never `PREFIX` or `PREFIX_NOT_EQUALS`).
    package var comparison: StringFilter.Comparison

    /// A filter.
    package init(key: String, value: String, comparison: StringFilter.Comparison) {
        self.key = key
        self.value = value
        self.comparison = comparison
    }

    /// The comparisons the model's `MapFilterComparison` allows.
    package static let comparisons: [StringFilter.Comparison] = [.equals, .notEquals, .contains, .notContains]

    /// Whether the map `object` has ``key`` with a string value satisfying the positive form.
    func holdsPositively(for object: JSONValue) -> Bool {
        guard case .object(let members) = object else { return false }
        var key = key
        return key.withUTF8 { wanted in
            for member in members {
                var name = member.key
                guard name.withUTF8({ $0.elementsEqual(wanted) }) else { continue }
                guard case .string(let text) = member.value else { return false }
                return comparison.holds(text, value)
            }
            return false
        }
    }
}
