import TriageCore

extension FindingIdentifier {
    /// Compares (`ProductArn`, `Id`) as the store does, byte by byte over their UTF-8
    /// (``ByteOrder``, SQLite's `BINARY` collation): negative, 0 or positive. Unlike `==` on
    /// `String`, which holds canonically equivalent spellings equal (`é` and `e` + U+0301), 0
    /// means the same key.
    static func byteOrder(_ left: FindingIdentifier, _ right: FindingIdentifier) -> Int {
        let arns = ByteOrder.compare(left.productArn, right.productArn)
        return arns != 0 ? arns : ByteOrder.compare(left.id, right.id)
    }
}
