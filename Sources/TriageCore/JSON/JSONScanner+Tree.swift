/// Building a ``JSONValue`` tree without recursion: open containers are frames on an explicit
/// stack, and their pending elements/members sit on two shared stacks until the container closes,
/// when they are copied out into one exactly-sized array (one allocation per container).
extension JSONScanner {
    /// Reads one value at `position` (leading whitespace allowed); leaves `position` after it.
    mutating func readValue() throws(CoreError) -> JSONValue {
        // Small stacks live in temporary (stack) memory; deeper or wider documents spill to the heap.
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: 16) { frameStorage throws(CoreError) in
            try withUnsafeTemporaryAllocation(of: JSONMember.self, capacity: 16) {
                memberStorage throws(CoreError) in
                try withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 16) {
                    elementStorage throws(CoreError) in
                    var frames = JSONPendingStack(initialStorage: frameStorage)
                    var members = JSONPendingStack(initialStorage: memberStorage)
                    var elements = JSONPendingStack(initialStorage: elementStorage)
                    return try readValue(frames: &frames, members: &members, elements: &elements)
                }
            }
        }
    }

    /// The tree reader proper. An open container is a frame `base << 1 | isObject`, where `base` is
    /// where its items start on `members` (objects; the top member's value is filled in when read)
    /// or `elements` (arrays).
    private mutating func readValue(
        frames: inout JSONPendingStack<Int>,
        members: inout JSONPendingStack<JSONMember>,
        elements: inout JSONPendingStack<JSONValue>
    ) throws(CoreError) -> JSONValue {
        nextValue: while true {
            skipWhitespace()
            guard position < bytes.count else { throw unexpected(at: position, expecting: "a value") }
            var value: JSONValue
            switch bytes[position] {
            case JSONByte.openBrace:
                try checkDepth(frames.count)
                position &+= 1
                skipWhitespace()
                if current == JSONByte.closeBrace {
                    position &+= 1
                    value = .object([])
                } else {
                    frames.push(members.count << 1 | 1)
                    members.push(JSONMember(key: try readKey(), value: .null))
                    continue nextValue
                }
            case JSONByte.openBracket:
                try checkDepth(frames.count)
                position &+= 1
                skipWhitespace()
                if current == JSONByte.closeBracket {
                    position &+= 1
                    value = .array([])
                } else {
                    frames.push(elements.count << 1)
                    continue nextValue
                }
            default:
                value = try readScalar()
            }
            // `value` is complete: store it in the enclosing container, then see what follows.
            while frames.count > 0 {
                let isObject = frames.top & 1 == 1
                if isObject {
                    members.top.value = consume value
                } else {
                    elements.push(consume value)
                }
                if try consumeSeparator(inObject: isObject) {
                    if isObject {
                        skipWhitespace()
                        members.push(JSONMember(key: try readKey(), value: .null))
                    }
                    continue nextValue
                }
                let base = frames.pop() >> 1
                value =
                    isObject
                    ? .object(Self.array(movingFrom: members.popItems(from: base)))
                    : .array(Self.array(movingFrom: elements.popItems(from: base)))
            }
            return value
        }
    }

    /// An array of exactly `items.count` elements, moved out of `items` (left uninitialized).
    @inline(__always)
    private static func array<Element>(movingFrom items: UnsafeMutableBufferPointer<Element>) -> [Element] {
        var array: [Element] = []
        array.reserveCapacity(items.count)
        for index in 0..<items.count {
            array.append((items.baseAddress! + index).move())
        }
        return array
    }

    /// Reads `"key"` and the `:` after it (whitespace allowed between), starting at `position`.
    private mutating func readKey() throws(CoreError) -> String {
        guard current == JSONByte.quote else { throw unexpected(at: position, expecting: "a string key") }
        let key = try readString()
        skipWhitespace()
        guard current == JSONByte.colon else { throw unexpected(at: position, expecting: "':'") }
        position &+= 1
        return key
    }

    /// Reads a string, number, `true`, `false` or `null` at `position`.
    private mutating func readScalar() throws(CoreError) -> JSONValue {
        switch bytes[position] {
        case JSONByte.quote:
            return .string(try readString())
        case JSONByte.minus, UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            try scanNumber()
            let literal = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            return .number(JSONNumber(validatedLiteral: literal))
        case UInt8(ascii: "t"):
            try consumeLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try consumeLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try consumeLiteral("null")
            return .null
        default:
            throw unexpected(at: position, expecting: "a value")
        }
    }
}
