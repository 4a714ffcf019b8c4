import TriageCore

/// A set of `AwsAccountId`s compared byte for byte, as the store compares text (two spellings
/// that `String` equality holds equal are two accounts here).
struct AccountSet: Sendable {
    /// The accounts in a fixed order (for binding them to SQL parameters).
    let accounts: [String]
    private let bytes: Set<[UInt8]>

    /// The accounts of `set`.
    init(_ set: Set<String>) {
        accounts = set.sorted { ByteOrder.compare($0, $1) < 0 }
        bytes = Set(set.map { Array($0.utf8) })
    }

    /// Whether `account` is one of them.
    func contains(_ account: String) -> Bool { bytes.contains(Array(account.utf8)) }

    /// Whether `account` (UTF-8 bytes) is one of them.
    func contains(bytes account: UnsafeRawBufferPointer) -> Bool { bytes.contains(Array(account)) }
}
