/// One shard of a run split over several processes (`--shard K/N`, `docs/scale.md#shards`): the
/// records whose (account, Region) hashes to `index`.
///
/// The hash is FNV-1a 64 over the UTF-8 bytes of `account + ":" + region` (the account `""` when
/// unknown, the Region `""` when there is none), taken modulo `count`. It is written down in the
/// docs and pinned by tests: shards of one run may be different builds of triage, and a record
/// must land in the same shard in each. Keying by (account, Region) keeps a lane's quota in one
/// shard (two shards sharing a lane would each send at the full quota) and every decision of a
/// finding in one shard, in input order.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 0-based, below `count`.
    public let index: Int
    /// Shards of the run, at least 1.
    public let count: Int

    /// A shard; nil unless `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// The shard (0-based, below `count`) of the records of `account` in `region`.
    public static func index(account: String?, region: String?, count: Int) -> Int {
        precondition(count >= 1, "a run has at least one shard")
        return Int(hash(account: account ?? "", region: region ?? "") % UInt64(count))
    }

    /// FNV-1a 64 of `account:region`.
    public static func hash(account: String, region: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for byte in account.utf8 { mix(byte) }
        mix(UInt8(ascii: ":"))
        for byte in region.utf8 { mix(byte) }
        return hash
    }

    /// Whether the records of `account` in `region` are this shard's.
    public func contains(account: String?, region: String?) -> Bool {
        Self.index(account: account, region: region, count: count) == index
    }

    /// Whether the records that fail before they have an account or a Region (a malformed line,
    /// a broken input) are this shard's: shard 0 takes them, so each is reported exactly once.
    public var takesUnkeyedRecords: Bool { index == 0 }
}
