import Crypto

/// GetFindings' opaque `NextToken`: the store's keyset cursor, authenticated and bound to the
/// query it continues.
///
/// A token is the unpadded base64url (`Base64URL`) of `cursor ‖ tag`, where `tag` is
/// HMAC-SHA256 under the server's key over `len(fingerprint) (8 bytes, big-endian) ‖ fingerprint
/// ‖ cursor`; the fingerprint identifies the query (filters, sort, ...) and is not in the token.
/// A token from another query, another server process (another key), or one forged, truncated,
/// extended or not base64url is refused with ``ServerError/notThisQuery``. The cursor is
/// readable by whoever holds the token (it is authenticated, not encrypted): cursors hold sort
/// keys of findings the caller was shown, nothing else.
package struct PageTokenCodec: Sendable {
    /// The key's bytes: swift-crypto's `SymmetricKey` is not `Sendable`, so each use makes one.
    private let keyBytes: [UInt8]

    /// The length of the tag at the end of a token's bytes.
    private static let tagLength = SHA256.byteCount
    /// The longest token accepted, in characters (a cursor of about 12 KB); longer is refused
    /// before decoding.
    package static let maxTokenLength = 16_384

    /// A codec signing with `key` (a random 256-bit key per process: tokens die with it).
    package init(key: SymmetricKey) {
        keyBytes = key.withUnsafeBytes { Array($0) }
    }

    /// The token that continues the query of `fingerprint` at `cursor`.
    package func token(cursor: [UInt8], query fingerprint: [UInt8]) -> String {
        let tag = HMAC<SHA256>.authenticationCode(
            for: Self.message(cursor: cursor, fingerprint: fingerprint), using: SymmetricKey(data: keyBytes))
        return Base64URL.encode(cursor + Array(tag))
    }

    /// The cursor in `token`, if this codec issued it for the query of `fingerprint`.
    /// - Throws: ``ServerError/notThisQuery`` (`InvalidInputException`) for anything else.
    package func cursor(from token: String, query fingerprint: [UInt8]) throws(ServerError) -> [UInt8] {
        guard token.utf8.count <= Self.maxTokenLength, let bytes = Base64URL.decode(token),
            bytes.count >= Self.tagLength
        else { throw .notThisQuery }
        let cursor = Array(bytes.dropLast(Self.tagLength))
        let tag = bytes.suffix(Self.tagLength)
        // Compared in constant time by swift-crypto.
        guard
            HMAC<SHA256>.isValidAuthenticationCode(
                tag, authenticating: Self.message(cursor: cursor, fingerprint: fingerprint),
                using: SymmetricKey(data: keyBytes))
        else { throw .notThisQuery }
        return cursor
    }

    /// What the tag authenticates: the fingerprint's length, the fingerprint, the cursor.
    private static func message(cursor: [UInt8], fingerprint: [UInt8]) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(8 + fingerprint.count + cursor.count)
        let length = UInt64(fingerprint.count)
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: length >> shift)) }
        message += fingerprint
        message += cursor
        return message
    }
}
