/// A validated update together with its canonical JSON, shared by every record that makes it.
///
/// Batching groups records by this value and the wire layer sends ``canonicalJSON`` as the
/// request's update part. It is a class so that a million records with one update share one
/// instance; equality is by canonical bytes (same effect ⇒ same bytes), and the hash is computed
/// once.
public final class CanonicalUpdate: Hashable, Sendable, CustomStringConvertible {
    /// The update.
    public let update: FindingUpdate
    /// ``FindingUpdate/canonicalJSON`` of ``update``.
    public let canonicalJSON: [UInt8]
    private let digest: Int

    /// Computes the canonical form of `update`.
    public init(_ update: FindingUpdate) {
        self.update = update
        self.canonicalJSON = update.canonicalJSON
        var hasher = Hasher()
        hasher.combine(canonicalJSON.count)
        canonicalJSON.withUnsafeBytes { hasher.combine(bytes: $0) }
        self.digest = hasher.finalize()
    }

    public static func == (lhs: CanonicalUpdate, rhs: CanonicalUpdate) -> Bool {
        lhs === rhs || (lhs.digest == rhs.digest && lhs.canonicalJSON == rhs.canonicalJSON)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    /// The canonical JSON as text.
    public var description: String { String(decoding: canonicalJSON, as: UTF8.self) }
}
