/// Byte edits to one JSON document, applied in a single pass: import adds the members it
/// derives (`RecordState`, `FindingProviderFields`, the service-owned members) to the provider's
/// bytes this way, so that every byte it does not edit stays as imported and no tree is built.
package struct DocumentSplice: Sendable {
    /// One edit: the bytes of `range` become `bytes` (an empty range inserts).
    private struct Edit: Sendable {
        var range: Range<Int>
        var bytes: [UInt8]
        var order: Int
    }

    private var edits: [Edit] = []

    /// An empty splice.
    package init() {}

    /// Whether nothing is edited (the document stays as given).
    package var isEmpty: Bool { edits.isEmpty }

    /// The number of bytes the document grows by (negative when it shrinks).
    package var growth: Int { edits.reduce(0) { $0 + $1.bytes.count - $1.range.count } }

    /// Replaces the bytes of `range` (edits must not overlap).
    package mutating func replace(_ range: Range<Int>, with bytes: [UInt8]) {
        edits.append(Edit(range: range, bytes: bytes, order: edits.count))
    }

    /// Inserts `bytes` before offset `offset`; insertions at one offset keep the order they were
    /// made in, and come before a replacement that starts there.
    package mutating func insert(_ bytes: [UInt8], at offset: Int) {
        guard !bytes.isEmpty else { return }
        edits.append(Edit(range: offset..<offset, bytes: bytes, order: edits.count))
    }

    /// `document` with the edits made.
    package func applied(to document: UnsafeRawBufferPointer) -> [UInt8] {
        let sorted = edits.sorted {
            ($0.range.lowerBound, $0.range.upperBound, $0.order) < ($1.range.lowerBound, $1.range.upperBound, $1.order)
        }
        var out: [UInt8] = []
        out.reserveCapacity(document.count + max(growth, 0))
        var position = 0
        for edit in sorted {
            precondition(edit.range.lowerBound >= position, "overlapping document edits")
            out.append(contentsOf: document[position..<edit.range.lowerBound])
            out.append(contentsOf: edit.bytes)
            position = edit.range.upperBound
        }
        out.append(contentsOf: document[position...])
        return out
    }

    /// Sets member `name` of the object `layout` describes to the compact JSON `value`: the first
    /// member of that name gets it in place (untouched when its bytes are already `value`), later
    /// members of that name are removed (a JSON reader would otherwise take the last), and a
    /// missing member is added to `missing` (`,"name":value`) for the caller to insert.
    package mutating func set(
        _ name: String, to value: [UInt8], in layout: JSONObjectLayout, of document: UnsafeRawBufferPointer,
        missing: inout [UInt8]
    ) {
        var found = false
        var name = name
        name.withUTF8 { key in
            for (index, member) in layout.members.enumerated() {
                guard member.key.count == key.count,
                    UnsafeRawBufferPointer(rebasing: document[member.key]).elementsEqual(UnsafeRawBufferPointer(key))
                else { continue }
                if found {
                    // The member with the comma before it: from the end of the previous value.
                    replace(layout.members[index - 1].value.upperBound..<member.value.upperBound, with: [])
                } else {
                    found = true
                    if !UnsafeRawBufferPointer(rebasing: document[member.value]).elementsEqual(value) {
                        replace(member.value, with: value)
                    }
                }
            }
        }
        if !found {
            missing.append(UInt8(ascii: ","))
            JSONText.appendString(name, to: &missing)
            missing.append(UInt8(ascii: ":"))
            missing.append(contentsOf: value)
        }
    }
}
