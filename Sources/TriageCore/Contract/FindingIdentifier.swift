/// The key of a finding in Security Hub: the pair (`ProductArn`, `Id`).
///
/// Both members are free text to the API (at least one non-whitespace character; `Id` at most
/// 512 characters). Equality and hashing are by exact string value.
public struct FindingIdentifier: Hashable, Sendable, Comparable {
    /// The finding's `Id`, e.g. `arn:aws:securityhub:...:security-control/EC2.2/finding/<uuid>`.
    public var id: String
    /// The ARN of the product that generated the finding.
    public var productArn: String

    /// Creates an identifier from its two members.
    public init(id: String, productArn: String) {
        self.id = id
        self.productArn = productArn
    }

    /// Orders by (`ProductArn`, `Id`), the store's export order.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.productArn != rhs.productArn { return lhs.productArn < rhs.productArn }
        return lhs.id < rhs.id
    }
}
