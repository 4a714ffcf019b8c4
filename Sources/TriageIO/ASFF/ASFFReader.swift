import TriageCore

/// Streams ASFF findings out of a document, whatever its wrapper: `{"Findings": [...]}` (the
/// GetFindings and BatchImportFindings shape, also `findings`), a bare array, a single finding,
/// NDJSON (one finding per line), or a wrapper object holding one of these under a member (an
/// EventBridge event's `detail.findings`, a recorded response's `data.Findings`).
///
/// Each finding is handed out as its raw JSON bytes, exactly as in the input (the store keeps
/// them byte for byte). A document whose first member is `Findings` is streamed element by
/// element in flat memory; other wrappers are read whole (up to `maxDocumentBytes`).
package final class ASFFReader {
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var consumedBefore = 0
    private var atEnd = false
    private let maxDocumentBytes: Int
    private var pending: [[UInt8]] = []
    private var state: State = .start
    /// A position `fill()` must keep (and moves along when it drops consumed bytes).
    private var mark: Int?

    private enum State {
        case start
        case streamingArray(closingObject: Bool)
        case topLevelObjects
        case done
    }

    /// Reads from `source` (already decompressed).
    package init(source: ByteSource, maxDocumentBytes: Int = 512 << 20) {
        self.source = source
        self.maxDocumentBytes = maxDocumentBytes
    }

    /// The next finding's raw JSON, or nil at the end.
    package func next() throws(TriageIOError) -> [UInt8]? {
        while true {
            if !pending.isEmpty { return pending.removeFirst() }
            switch state {
            case .done:
                return nil
            case .start:
                try skipWhitespace()
                guard let byte = try peekByte() else {
                    state = .done
                    return nil
                }
                if byte == UInt8(ascii: "[") {
                    position += 1
                    state = .streamingArray(closingObject: false)
                } else if byte == UInt8(ascii: "{") {
                    if try firstMemberIsFindingsArray() {
                        state = .streamingArray(closingObject: true)
                    } else {
                        state = .topLevelObjects
                    }
                } else {
                    throw TriageIOError(
                        .unreadableFindings, "byte \(offset + 1): expected a JSON object or array of findings")
                }
            case .streamingArray(let closingObject):
                if let element = try nextArrayElement() { return element }
                if closingObject { try finishWrapperObject() }
                state = .topLevelObjects
            case .topLevelObjects:
                try skipWhitespace()
                guard let byte = try peekByte() else {
                    state = .done
                    return nil
                }
                guard byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") else {
                    throw TriageIOError(.unreadableFindings, "byte \(offset + 1): expected a finding object")
                }
                let value = try completeValue()
                pending = try Self.findings(in: value, offset: offset - value.count)
            }
        }
    }

    // MARK: document shapes

    /// The findings of one whole top-level value: itself if it is a finding, the elements of an
    /// array, or the `Findings`/`findings` array found in a wrapper (searched up to 3 levels deep).
    private static func findings(in bytes: [UInt8], offset: Int) throws(TriageIOError) -> [[UInt8]] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw TriageIOError(.unreadableFindings, error.shifted(by: offset).message, underlying: error)
        }
        if case .array = value { return try elements(of: bytes, offset: offset) }
        guard case .object(let members) = value else { return [] }
        if looksLikeFinding(members) { return [bytes] }
        if let path = findingsPath(in: members, depth: 0) {
            return try elements(of: bytes, at: path, offset: offset)
        }
        // An object that is neither: let the importer say what it lacks.
        return [bytes]
    }

    private static func looksLikeFinding(_ members: [JSONMember]) -> Bool {
        members.contains { $0.key == "SchemaVersion" || $0.key == "ProductArn" || $0.key == "GeneratorId" }
    }

    /// Member keys leading to a findings array.
    private static func findingsPath(in members: [JSONMember], depth: Int) -> [String]? {
        for member in members where member.key == "Findings" || member.key == "findings" {
            if case .array = member.value { return [member.key] }
        }
        guard depth < 2 else { return nil }
        for member in members {
            if case .object(let inner) = member.value, let path = findingsPath(in: inner, depth: depth + 1) {
                return [member.key] + path
            }
        }
        return nil
    }

    /// Raw bytes of the elements of the array at `path` inside `bytes` (an object or array).
    private static func elements(of bytes: [UInt8], at path: [String] = [], offset: Int) throws(TriageIOError)
        -> [[UInt8]]
    {
        do throws(CoreError) {
            return try bytes.withUnsafeBufferPointer { (typed) throws(CoreError) -> [[UInt8]] in
                let buffer = UnsafeRawBufferPointer(typed)
                var index = 0
                for key in path {
                    index = try Self.memberValueStart(buffer, objectAt: index, key: key)
                }
                index = skip(buffer, index)
                guard index < buffer.count, buffer[index] == UInt8(ascii: "[") else { return [] }
                return try JSONArrayLayout.elements(in: buffer, arrayAt: index).map { Array(buffer[$0]) }
            }
        } catch {
            throw TriageIOError(.unreadableFindings, error.shifted(by: offset).message, underlying: error)
        }
    }

    /// Offset of the value of member `key` of the object starting at `start`.
    private static func memberValueStart(
        _ buffer: UnsafeRawBufferPointer, objectAt start: Int, key: String
    ) throws(CoreError) -> Int {
        var index = skip(buffer, start) + 1
        let wanted = Array(key.utf8)
        while index < buffer.count {
            index = skip(buffer, index)
            let keyEnd = try JSONParser.valueEnd(in: buffer, from: index)
            let name = Array(buffer[(index + 1)..<(keyEnd - 1)])
            index = skip(buffer, keyEnd) + 1  // past ':'
            if name == wanted { return skip(buffer, index) }
            index = skip(buffer, try JSONParser.valueEnd(in: buffer, from: index)) + 1  // past ',' or '}'
        }
        throw .invalidJSON(offset: start, reason: "member \(key) not found")
    }

    private static func skip(_ buffer: UnsafeRawBufferPointer, _ index: Int) -> Int {
        var index = index
        while index < buffer.count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[index]) { index += 1 }
        return index
    }

    // MARK: streaming `{"Findings": [` ... `]}`

    /// Looks at the first member of the object at the current position; when it is a
    /// `Findings`/`findings` array, consumes up to and including its `[`.
    private func firstMemberIsFindingsArray() throws(TriageIOError) -> Bool {
        mark = position
        defer { mark = nil }
        position += 1
        try skipWhitespace()
        for key in ["\"Findings\"", "\"findings\""] {
            let bytes = Array(key.utf8)
            try ensure(bytes.count)
            if buffer.count - position >= bytes.count, Array(buffer[position..<position + bytes.count]) == bytes {
                position += bytes.count
                try skipWhitespace()
                if try peekByte() == UInt8(ascii: ":") {
                    position += 1
                    try skipWhitespace()
                    if try peekByte() == UInt8(ascii: "[") {
                        position += 1
                        return true
                    }
                }
            }
        }
        position = mark!
        return false
    }

    /// The next element of the array being streamed, or nil after its `]`.
    private func nextArrayElement() throws(TriageIOError) -> [UInt8]? {
        try skipWhitespace()
        if try peekByte() == UInt8(ascii: ",") {
            position += 1
            try skipWhitespace()
        }
        guard let byte = try peekByte() else {
            throw TriageIOError(.unreadableFindings, "byte \(offset + 1): the findings array is not closed")
        }
        if byte == UInt8(ascii: "]") {
            position += 1
            return nil
        }
        return try completeValue()
    }

    /// After the streamed array: the rest of the wrapper object (other members are skipped).
    private func finishWrapperObject() throws(TriageIOError) {
        while true {
            try skipWhitespace()
            guard let byte = try peekByte() else {
                throw TriageIOError(.unreadableFindings, "byte \(offset + 1): the document is not closed")
            }
            if byte == UInt8(ascii: "}") {
                position += 1
                return
            }
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ":") {
                position += 1
                continue
            }
            _ = try completeValue()  // a key or a value
        }
    }

    // MARK: buffer

    private var offset: Int { consumedBefore + position }

    /// One whole JSON value from the current position, read in as far as needed.
    private func completeValue() throws(TriageIOError) -> [UInt8] {
        while true {
            let result: Result<Int, CoreError> = buffer.withUnsafeBytes { bytes in
                do throws(CoreError) {
                    return .success(try JSONParser.valueEnd(in: bytes, from: position))
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success(let end):
                let value = Array(buffer[position..<end])
                position = end
                return value
            case .failure(let error):
                let (at, reason) = (error.jsonOffset ?? 0, error.jsonReason ?? "")
                if at >= buffer.count - 1 || reason.contains("end of input") || reason.contains("unterminated"), !atEnd
                {
                    guard buffer.count - position < maxDocumentBytes else {
                        throw TriageIOError(
                            .unreadableFindings, "byte \(offset + 1): a value longer than \(maxDocumentBytes) bytes")
                    }
                    try fill()
                    continue
                }
                throw TriageIOError(.unreadableFindings, error.shifted(by: consumedBefore).message, underlying: error)
            }
        }
    }

    private func skipWhitespace() throws(TriageIOError) {
        while true {
            while position < buffer.count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[position]) { position += 1 }
            if position < buffer.count || atEnd { return }
            try fill()
        }
    }

    private func peekByte() throws(TriageIOError) -> UInt8? {
        try ensure(1)
        return position < buffer.count ? buffer[position] : nil
    }

    private func ensure(_ count: Int) throws(TriageIOError) {
        while buffer.count - position < count, !atEnd { try fill() }
    }

    /// Reads another chunk, dropping what was consumed.
    private func fill() throws(TriageIOError) {
        let drop = min(position, mark ?? position)
        if drop > 0 {
            buffer.removeFirst(drop)
            consumedBefore += drop
            position -= drop
            mark = mark.map { $0 - drop }
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        let count: Int
        do {
            count = try chunk.withUnsafeMutableBufferPointer { (pointer) throws(TriageIOError) -> Int in
                try source.read(into: UnsafeMutableRawBufferPointer(pointer))
            }
        } catch {
            throw TriageIOError(.unreadableFindings, "byte \(offset + 1): \(error.message)", underlying: error)
        }
        if count == 0 {
            atEnd = true
        } else {
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}
