/// An input as the user named it: the bytes of its path as the operating system passed them
/// (file names need not be UTF-8), and the text that names it in messages and reports.
package struct InputPath: Sendable, Equatable {
    /// The path's bytes, without a terminating NUL; `-` is standard input.
    package let bytes: [UInt8]
    /// The path as text: valid UTF-8 as it is, each byte of an ill-formed sequence as `\xFF`
    /// (two upper-case hex digits), so that a name that is not UTF-8 stays recognisable.
    package let displayName: String

    /// The input named by `bytes`.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
        self.displayName = Self.escaped(bytes)
    }

    /// The input named by the UTF-8 of `text`.
    package init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Whether this is `-`, standard input.
    package var isStandardInput: Bool { bytes == [UInt8(ascii: "-")] }

    /// `bytes` as text: well-formed UTF-8 sequences decoded, every byte of an ill-formed one
    /// (its maximal subpart, as Unicode's U+FFFD substitution counts them) written `\xHH`.
    package static func escaped(_ bytes: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(bytes.count)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                text.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<offset + length] {
                    text +=
                        "\\x" + String(byte >> 4, radix: 16, uppercase: true)
                        + String(byte & 0x0F, radix: 16, uppercase: true)
                }
                offset += length
            case .emptyInput:
                return text
            }
        }
    }
}
