import Synchronization

/// Derived signing keys per (access key id, scope date, Region, service), shared across threads.
///
/// A key is derived once per day and scope instead of four HMACs per request. An entry also remembers the secret it
/// was derived from, so a rotated secret derives a new key. At most `capacity` entries; when full, the cache is
/// emptied (keys are cheap to derive again, and dates roll over daily).
public final class SigningKeyCache: Sendable {
    private struct Entry: Hashable {
        var accessKeyId: String
        var scope: CredentialScope
    }

    private struct Cached {
        var secretAccessKey: String
        var key: SigningKey
    }

    /// The most entries kept before the cache is emptied.
    public let capacity: Int
    private let entries = Mutex<[Entry: Cached]>([:])

    /// An empty cache holding at most `capacity` (≥ 1) keys.
    public init(capacity: Int = 1_024) {
        self.capacity = max(1, capacity)
    }

    /// The signing key of `secretAccessKey` for `scope`, derived on first use.
    public func key(accessKeyId: String, secretAccessKey: String, scope: CredentialScope) -> SigningKey {
        let entry = Entry(accessKeyId: accessKeyId, scope: scope)
        if let cached = entries.withLock({ $0[entry] }), cached.secretAccessKey == secretAccessKey {
            return cached.key
        }
        let key = SigningKey(secretAccessKey: secretAccessKey, scope: scope)
        entries.withLock { entries in
            if entries.count >= capacity, entries[entry] == nil { entries.removeAll(keepingCapacity: true) }
            entries[entry] = Cached(secretAccessKey: secretAccessKey, key: key)
        }
        return key
    }

    /// The number of keys held.
    public var count: Int {
        entries.withLock { $0.count }
    }
}
