/// Small text helpers of the credential sources (no Foundation).
extension String {
    /// The string without leading and trailing spaces, tabs, CRs and LFs.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    /// The string with CR and LF replaced by spaces (messages are one line).
    var replacingLineBreaks: String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    /// The rest of the string after `prefix` (trimmed), or `nil` when it does not start with it.
    func droppingPrefix(_ prefix: String) -> String? {
        guard hasPrefix(prefix) else { return nil }
        let rest = String(dropFirst(prefix.count)).trimmingWhitespace
        return rest.isEmpty ? nil : rest
    }
}
