/// An IPv4 or IPv6 network: an address and a prefix length, as an `IpFilter`'s `Cidr` or a
/// finding's address gives it.
///
/// Text forms: IPv4 dotted quads (four decimal parts 0–255, no leading zeros) and IPv6 as RFC
/// 4291 §2.2 writes it (hexadecimal groups, one `::`, an IPv4 tail), each optionally followed by
/// `/prefix` (0–32, 0–128). An address without a prefix is a single host (/32, /128). Zone
/// indexes (`%eth0`) are refused. *Choice*: host bits set in a CIDR (`10.1.2.3/8`) are allowed
/// and ignored; IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are IPv6 and never inside an IPv4
/// network.
package struct IPNetwork: Sendable, Hashable {
    /// The address bytes: 4 for IPv4, 16 for IPv6.
    package let address: [UInt8]
    /// The prefix length in bits.
    package let prefixLength: Int

    /// Parses `text`, or returns `nil` when it is neither an address nor a CIDR block.
    package init?(_ text: String) {
        var text = Substring(text)
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            guard let length = Self.decimal(text[text.index(after: slash)...], max: 128) else { return nil }
            prefix = length
            text = text[..<slash]
        }
        if let v4 = Self.ipv4(text) {
            guard (prefix ?? 32) <= 32 else { return nil }
            address = v4
            prefixLength = prefix ?? 32
        } else if let v6 = Self.ipv6(text) {
            address = v6
            prefixLength = prefix ?? 128
        } else {
            return nil
        }
    }

    /// Whether `other` (an address, or a whole network) lies inside this network: the same
    /// family, a prefix at least as long, and the same first ``prefixLength`` bits.
    package func contains(_ other: IPNetwork) -> Bool {
        guard other.address.count == address.count, other.prefixLength >= prefixLength else { return false }
        var bits = prefixLength
        for index in address.indices where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if address[index] & mask != other.address[index] & mask { return false }
            bits -= 8
        }
        return true
    }

    /// A decimal number without sign or leading zeros, at most `max`.
    private static func decimal(_ text: Substring, max: Int) -> Int? {
        guard !text.isEmpty, text.count <= 3, text == "0" || text.first != "0" else { return nil }
        var value = 0
        for character in text {
            guard let digit = character.wholeNumberValue, character.isASCII else { return nil }
            value = value * 10 + digit
        }
        return value <= max ? value : nil
    }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard let value = decimal(part, max: 255) else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    private static func ipv6(_ text: Substring) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: ":")) else { return nil }
        // Split at the one `::`, if any.
        var halves: [Substring] = []
        var index = 0
        var start = text.startIndex
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: ":") {
                guard halves.isEmpty else { return nil }
                let at = text.utf8.index(text.startIndex, offsetBy: index)
                halves.append(text[start..<at])
                start = text.utf8.index(at, offsetBy: 2)
                index += 2
                continue
            }
            index += 1
        }
        halves.append(text[start...])
        func groups(_ part: Substring, allowTail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt16] = []
            for (index, piece) in pieces.enumerated() {
                if allowTail, index == pieces.count - 1, piece.contains("."), let v4 = ipv4(piece) {
                    out.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    out.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.utf8.count), piece.allSatisfy({ $0.isASCII && $0.isHexDigit }),
                    let value = UInt16(piece, radix: 16)
                else { return nil }
                out.append(value)
            }
            return out
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0], allowTail: false), let tail = groups(halves[1], allowTail: true),
                head.count + tail.count <= 7
            else { return nil }
            all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(halves[0], allowTail: true), only.count == 8 else { return nil }
            all = only
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
