/// One `StringFilter {Value, Comparison}` (and the comparison part of a `MapFilter`).
///
/// Comparisons are case-sensitive and byte for byte over UTF-8 (two spellings of `é` differ),
/// the store's `BINARY` order: `EQUALS` the same bytes, `PREFIX` starts with them, `CONTAINS`
/// holds them anywhere. Each negative comparison is the negation of its positive form
/// (``Comparison/positive``), evaluated over all of a field's values (see ``FieldFilters``).
package struct StringFilter: Sendable, Hashable {
    /// `StringFilterComparison` as GetFindings (V1) takes it. The model's `CONTAINS_WORD` works
    /// only with the V2 APIs and is refused.
    package enum Comparison: String, Sendable, CaseIterable {
        case equals = "EQUALS"
        case prefix = "PREFIX"
        case notEquals = "NOT_EQUALS"
        case prefixNotEquals = "PREFIX_NOT_EQUALS"
        case contains = "CONTAINS"
        case notContains = "NOT_CONTAINS"

        /// `NOT_EQUALS`, `PREFIX_NOT_EQUALS` and `NOT_CONTAINS`.
        package var isNegative: Bool { self == .notEquals || self == .prefixNotEquals || self == .notContains }

        /// The positive comparison a negative one negates (itself for a positive one).
        package var positive: Comparison {
            switch self {
            case .notEquals: .equals
            case .prefixNotEquals: .prefix
            case .notContains: .contains
            default: self
            }
        }

        /// Whether `text` satisfies the positive form of this comparison with `value`.
        func holds(_ text: String, _ value: String) -> Bool {
            var text = text
            var value = value
            return text.withUTF8 { haystack in
                value.withUTF8 { needle in
                    switch positive {
                    case .equals: haystack.elementsEqual(needle)
                    case .prefix: haystack.starts(with: needle)
                    default: Self.contains(haystack, needle)
                    }
                }
            }
        }

        private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>)
            -> Bool
        {
            guard needle.count <= haystack.count else { return false }
            guard let first = needle.first else { return true }
            var start = 0
            while start + needle.count <= haystack.count {
                if haystack[start] == first,
                    UnsafeBufferPointer(rebasing: haystack[start..<(start + needle.count)]).elementsEqual(needle)
                {
                    return true
                }
                start += 1
            }
            return false
        }
    }

    /// `Value`: at least one non-whitespace character.
    package var value: String
    /// `Comparison`.
    package var comparison: Comparison

    /// A filter.
    package init(value: String, comparison: Comparison) {
        self.value = value
        self.comparison = comparison
    }

    /// Whether `text` satisfies the filter's positive form.
    func holdsPositively(for text: String) -> Bool { comparison.holds(text, value) }
}
