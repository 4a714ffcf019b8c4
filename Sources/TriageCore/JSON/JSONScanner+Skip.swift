/// Validating a value without building it (for ``JSONParser/valueEnd(in:from:maxDepth:)``): the
/// same grammar as ``readValue()``, with an explicit stack of open container kinds.
extension JSONScanner {
    /// Validates one value at `position` (leading whitespace allowed); leaves `position` after it.
    mutating func skipValue() throws(CoreError) {
        var openObjects: [Bool] = []  // per open container: true for an object, false for an array
        nextValue: while true {
            skipWhitespace()
            guard position < bytes.count else { throw unexpected(at: position, expecting: "a value") }
            switch bytes[position] {
            case JSONByte.openBrace, JSONByte.openBracket:
                try checkDepth(openObjects.count)
                let isObject = bytes[position] == JSONByte.openBrace
                position &+= 1
                skipWhitespace()
                if current == (isObject ? JSONByte.closeBrace : JSONByte.closeBracket) {
                    position &+= 1
                } else {
                    openObjects.append(isObject)
                    if isObject { try skipKey() }
                    continue nextValue
                }
            default:
                try skipScalar()
            }
            while let isObject = openObjects.last {
                if try consumeSeparator(inObject: isObject) {
                    if isObject {
                        skipWhitespace()
                        try skipKey()
                    }
                    continue nextValue
                }
                openObjects.removeLast()
            }
            return
        }
    }

    /// Validates `"key"` and the `:` after it, starting at `position`.
    private mutating func skipKey() throws(CoreError) {
        guard current == JSONByte.quote else { throw unexpected(at: position, expecting: "a string key") }
        try skipString()
        skipWhitespace()
        guard current == JSONByte.colon else { throw unexpected(at: position, expecting: "':'") }
        position &+= 1
    }

    /// Validates a string, number, `true`, `false` or `null` at `position`.
    private mutating func skipScalar() throws(CoreError) {
        switch bytes[position] {
        case JSONByte.quote: try skipString()
        case JSONByte.minus, UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        case UInt8(ascii: "t"): try consumeLiteral("true")
        case UInt8(ascii: "f"): try consumeLiteral("false")
        case UInt8(ascii: "n"): try consumeLiteral("null")
        default: throw unexpected(at: position, expecting: "a value")
        }
    }
}
