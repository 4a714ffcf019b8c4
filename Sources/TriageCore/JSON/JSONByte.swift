/// ASCII codes used by the JSON grammar.
enum JSONByte {
    static let quote: UInt8 = UInt8(ascii: "\"")
    static let backslash: UInt8 = UInt8(ascii: "\\")
    static let comma: UInt8 = UInt8(ascii: ",")
    static let colon: UInt8 = UInt8(ascii: ":")
    static let openBrace: UInt8 = UInt8(ascii: "{")
    static let closeBrace: UInt8 = UInt8(ascii: "}")
    static let openBracket: UInt8 = UInt8(ascii: "[")
    static let closeBracket: UInt8 = UInt8(ascii: "]")
    static let minus: UInt8 = UInt8(ascii: "-")
    static let zero: UInt8 = UInt8(ascii: "0")
}
