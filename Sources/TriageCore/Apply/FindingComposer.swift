/// Builds the full ASFF finding from a stored provider document and a ``CustomerState``.
///
/// The result is compact JSON (one line, fit for NDJSON). The provider's top-level members keep
/// their order and bytes (whitespace outside strings dropped); every member named like a
/// customer field is replaced by the state's value at the position of its first occurrence, or
/// dropped when the state has none; the state's members the provider lacks are appended in the
/// API's order.
package enum FindingComposer {
    /// Appends the composed finding to `out`.
    ///
    /// - Throws: ``CoreError`` if `provider` is not a JSON object.
    package static func compose(
        provider: UnsafeRawBufferPointer, state: CustomerState, into out: inout [UInt8]
    ) throws(CoreError) {
        let layout = try JSONObjectLayout.scan(provider)
        compose(provider: provider, layout: layout, state: state, into: &out)
    }

    /// The composed finding as bytes; see ``compose(provider:state:into:)``.
    package static func compose(provider: [UInt8], state: CustomerState) throws(CoreError) -> [UInt8] {
        let result = provider.withUnsafeBytes { buffer in
            Result { () throws(CoreError) -> [UInt8] in
                var out: [UInt8] = []
                out.reserveCapacity(buffer.count + state.membersByteCount + 16)
                try compose(provider: buffer, state: state, into: &out)
                return out
            }
        }
        return try result.get()
    }

    /// Composes with a layout already scanned from `provider`.
    package static func compose(
        provider: UnsafeRawBufferPointer, layout: JSONObjectLayout, state: CustomerState, into out: inout [UInt8]
    ) {
        out.append(UInt8(ascii: "{"))
        var first = true
        var seen = 0  // bit per CustomerField.rawValue
        func separate() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        for member in layout.members {
            let key = UnsafeRawBufferPointer(rebasing: provider[member.key])
            if let field = CustomerField(keyBytes: key) {
                let bit = 1 << field.rawValue
                guard seen & bit == 0 else { continue }
                seen |= bit
                guard state.contains(field) else { continue }
                separate()
                state.appendMember(field, to: &out)
                continue
            }
            separate()
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: key)
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
            CompactJSON.appendMinified(UnsafeRawBufferPointer(rebasing: provider[member.value]), to: &out)
        }
        for field in CustomerField.allCases where seen & (1 << field.rawValue) == 0 && state.contains(field) {
            separate()
            state.appendMember(field, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The size of the provider document composed without any customer member (the `{...}` of
    /// its other members, compact). A finding composed with a state is exactly
    /// ``CustomerState/composedByteCount(providerBytes:)`` of this long, provided the document
    /// has at least one other member (every valid finding has).
    package static func residualByteCount(of provider: UnsafeRawBufferPointer, layout: JSONObjectLayout) -> Int {
        var total = 2
        var count = 0
        for member in layout.members {
            guard CustomerField(keyBytes: UnsafeRawBufferPointer(rebasing: provider[member.key])) == nil else {
                continue
            }
            count += 1
            total +=
                member.key.count + 3
                + CompactJSON.minifiedCount(UnsafeRawBufferPointer(rebasing: provider[member.value]))
        }
        return total + max(count - 1, 0)
    }
}
