import TriageCore

#if canImport(Glibc)
import Glibc
#endif

extension FindingIdentifier {
    /// Compares (`ProductArn`, `Id`) as the store does, byte by byte over their UTF-8 (SQLite's
    /// `BINARY` collation): negative, 0 or positive. Unlike `==` on `String`, which holds
    /// canonically equivalent spellings equal (`é` and `e` + U+0301), 0 means the same key.
    static func byteOrder(_ left: FindingIdentifier, _ right: FindingIdentifier) -> Int {
        let arns = compareBytes(left.productArn, right.productArn)
        return arns != 0 ? arns : compareBytes(left.id, right.id)
    }

    private static func compareBytes(_ left: String, _ right: String) -> Int {
        var left = left
        var right = right
        return left.withUTF8 { a in
            right.withUTF8 { b in
                let common = min(a.count, b.count)
                if common > 0, let x = a.baseAddress, let y = b.baseAddress {
                    let order = memcmp(x, y, common)
                    if order != 0 { return Int(order) }
                }
                return a.count - b.count
            }
        }
    }
}
