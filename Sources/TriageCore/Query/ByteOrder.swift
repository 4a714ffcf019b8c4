/// Text compared as the store compares it: byte by byte over UTF-8 (SQLite's `BINARY`
/// collation), a shorter text before a longer one it starts. Unlike `==` and `<` on `String`,
/// which follow Unicode canonical equivalence, 0 means the same bytes.
package enum ByteOrder {
    /// Negative, 0 or positive as `left` sorts before, with or after `right`.
    package static func compare(_ left: String, _ right: String) -> Int {
        var left = left
        var right = right
        return left.withUTF8 { a in
            right.withUTF8 { b in
                let common = min(a.count, b.count)
                var index = 0
                while index < common {
                    if a[index] != b[index] { return Int(a[index]) - Int(b[index]) }
                    index += 1
                }
                return a.count - b.count
            }
        }
    }
}
