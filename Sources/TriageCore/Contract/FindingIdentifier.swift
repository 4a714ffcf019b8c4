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

    /// Hashes ``fastHash``: identifiers differ in their unique suffix (a UUID, a hex digest), and
    /// hashing 150-byte ARNs in full was the batch planner's largest cost. Equality still compares
    /// everything, so a collision only costs a comparison.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(fastHash)
    }

    /// A cheap 64-bit digest of the lengths and the ends of both members (first 8 and last 24
    /// bytes of `Id`, last 16 of `ProductArn`); seeded per process by the caller's `Hasher`.
    public var fastHash: UInt64 {
        var digest = Self.ends(of: id) &* 0x9E37_79B9_7F4A_7C15
        digest ^= Self.ends(of: productArn) &+ 0xD1B5_4A32_D192_ED03
        return digest
    }

    private static func ends(of text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes -> UInt64 in
            let count = bytes.count
            var digest = UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD
            func mix(_ word: UInt64) {
                digest = (digest ^ word) &* 0xC4CE_B9FE_1A85_EC53
                digest ^= digest >> 29
            }
            let raw = UnsafeRawBufferPointer(bytes)
            if count >= 32 {
                mix(raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
                mix(raw.loadUnaligned(fromByteOffset: count - 24, as: UInt64.self))
                mix(raw.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self))
                mix(raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            } else {
                var word: UInt64 = 0
                for (index, byte) in raw.enumerated() {
                    word = (word << 8) | UInt64(byte)
                    if index % 8 == 7 {
                        mix(word)
                        word = 0
                    }
                }
                mix(word)
            }
            return digest
        }
    }

    /// Orders by (`ProductArn`, `Id`), the store's export order.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.productArn != rhs.productArn { return lhs.productArn < rhs.productArn }
        return lhs.id < rhs.id
    }
}
