/// IAM's wildcard matching, as `Action` and `StringLike` use it: `*` matches any run of
/// characters (none included), `?` exactly one, everything else itself. Characters are Unicode
/// scalars. Pure; linear in the text for patterns with one `*`, at worst pattern × text.
enum WildcardPattern {
    /// Whether `text` matches `pattern` whole; letters compared case-insensitively when
    /// `ignoringCase` (IAM action names), exactly otherwise (`StringLike`).
    static func matches(_ pattern: String, _ text: String, ignoringCase: Bool) -> Bool {
        let pattern = Array((ignoringCase ? pattern.lowercased() : pattern).unicodeScalars)
        let text = Array((ignoringCase ? text.lowercased() : text).unicodeScalars)
        var p = 0
        var t = 0
        // The last `*` seen and the text position it was tried at, to backtrack to.
        var star: Int?
        var starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                starText = t
                p += 1
            } else if let star {
                // Let the last `*` take one more character.
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Whether `text` has a `*` or a `?`.
    static func hasWildcard(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "*" || $0 == "?" }
    }
}
