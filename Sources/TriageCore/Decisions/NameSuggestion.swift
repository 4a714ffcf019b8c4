/// The known name a misspelt one most likely meant, for the "did you mean" of messages about
/// unknown NDJSON members and CSV columns. Pure.
///
/// Names are compared case-insensitively with everything but letters and digits dropped
/// (`workflow_status` and `WorkflowStatus` are `Workflow.Status`), by optimal string alignment
/// distance: Levenshtein's insertions, deletions and substitutions plus the transposition of two
/// neighbours, each one edit (`Stauts` is one edit from `Status`). A candidate is suggested only
/// within ``limit(for:)`` edits; the nearest wins, the earlier candidate on a tie.
package enum NameSuggestion {
    /// The candidate nearest to `name`, or nil when none is near enough.
    package static func nearest(to name: String, among candidates: [String]) -> String? {
        let typed = folded(name)
        guard !typed.isEmpty else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let known = folded(candidate)
            let distance = distance(typed, known)
            if distance <= limit(for: known.count), distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Edits allowed towards a known name of `length` letters and digits: at most 2 and at most a
    /// third of the length, but at least 1 (`Id` still catches `Idd`, nothing short catches `Note`
    /// by chance).
    package static func limit(for length: Int) -> Int {
        max(1, min(2, length / 3))
    }

    /// Optimal string alignment distance between two scalar sequences.
    package static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rows of the dynamic-programming table: two back (for transpositions), one back, this one.
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], twoBack[j - 2] + 1)
                }
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }

    /// `name` lower-cased, letters and digits only.
    package static func folded(_ name: String) -> [Unicode.Scalar] {
        name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
