import TriageCore

/// A ``PlannedBatch`` as bytes, for a ``BatchSpill``: everything a batch is, so that the batch
/// read back is the batch written (its update by its canonical JSON, which decodes to the same
/// update: ``CanonicalUpdate/decoding(canonicalJSON:)``).
///
/// Layout: varint length and the update's canonical JSON, varint length and the Region's UTF-8,
/// the batch's account (varint 0 for none, else its length + 1 and its bytes), varint member
/// count, then per member varint sequence, input and line, the length-prefixed `Id`, the
/// `ProductArn` as varint 0 when it is the previous member's, else its length + 1 and its bytes
/// (members of a batch usually share one product), and the member's account: varint 0 for none,
/// 1 for the `Id`'s own ARN account, else its length + 2 and its bytes.
package enum PlannedBatchBytes {
    /// Appends the encoding of `batch` to `out`.
    package static func append(_ batch: PlannedBatch, to out: inout [UInt8]) {
        appendBytes(batch.update.canonicalJSON, to: &out)
        appendBytes(Array(batch.region.utf8), to: &out)
        appendOptional(batch.account, to: &out)
        appendVarint(batch.members.count, to: &out)
        var previousProduct: String?
        for member in batch.members {
            appendVarint(member.sequence, to: &out)
            appendVarint(member.source.input, to: &out)
            appendVarint(member.source.line, to: &out)
            appendBytes(Array(member.identifier.id.utf8), to: &out)
            if member.identifier.productArn == previousProduct {
                appendVarint(0, to: &out)
            } else {
                let product = Array(member.identifier.productArn.utf8)
                appendVarint(product.count + 1, to: &out)
                out.append(contentsOf: product)
                previousProduct = member.identifier.productArn
            }
            if member.account == nil {
                appendVarint(0, to: &out)
            } else if member.account == FindingAccount.fromARN(member.identifier.id) {
                appendVarint(1, to: &out)
            } else {
                let account = Array(member.account!.utf8)
                appendVarint(account.count + 2, to: &out)
                out.append(contentsOf: account)
            }
        }
    }

    /// Varint 0 for nil, else the length + 1 and the bytes.
    private static func appendOptional(_ text: String?, to out: inout [UInt8]) {
        guard let text else { return appendVarint(0, to: &out) }
        appendVarint(text.utf8.count + 1, to: &out)
        out.append(contentsOf: text.utf8)
    }

    /// The batch encoded in `bytes` (exactly one); nil when they are not such an encoding.
    /// `update` turns canonical JSON into the update (a cache may answer for repeated updates).
    package static func decode(_ bytes: [UInt8], update: ([UInt8]) -> CanonicalUpdate?) -> PlannedBatch? {
        var reader = Reader(data: bytes)
        guard let json = reader.bytes(), let canonical = update(json), let region = reader.string(),
            let accountLength = reader.varint()
        else { return nil }
        var batchAccount: String?
        if accountLength > 0 {
            guard let bytes = reader.take(accountLength - 1) else { return nil }
            batchAccount = String(decoding: bytes, as: UTF8.self)
        }
        guard let count = reader.varint(), count <= bytes.count
        else { return nil }
        var members: [BatchMember] = []
        members.reserveCapacity(count)
        var product: String?
        for _ in 0..<count {
            guard let sequence = reader.varint(), let input = reader.varint(), let line = reader.varint(),
                let id = reader.string(), let productLength = reader.varint()
            else { return nil }
            if productLength > 0 {
                guard let bytes = reader.take(productLength - 1) else { return nil }
                product = String(decoding: bytes, as: UTF8.self)
            }
            guard let product, let accountTag = reader.varint() else { return nil }
            var account: String?
            if accountTag == 1 {
                account = FindingAccount.fromARN(id)
            } else if accountTag > 1 {
                guard let bytes = reader.take(accountTag - 2) else { return nil }
                account = String(decoding: bytes, as: UTF8.self)
            }
            members.append(
                BatchMember(
                    sequence: sequence, identifier: FindingIdentifier(id: id, productArn: product),
                    source: SourceLocation(input: input, line: line), account: account))
        }
        guard reader.offset == bytes.count else { return nil }
        return PlannedBatch(update: canonical, members: members, region: region, account: batchAccount)
    }

    private static func appendVarint(_ value: Int, to out: inout [UInt8]) {
        var value = UInt64(value)
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendVarint(bytes.count, to: &out)
        out.append(contentsOf: bytes)
    }

    private struct Reader {
        let data: [UInt8]
        var offset = 0

        /// A varint of at most 63 bits.
        mutating func varint() -> Int? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while offset < data.count, shift < 63 {
                let byte = data[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value <= UInt64(Int.max) ? Int(value) : nil }
                shift += 7
            }
            return nil
        }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, count <= data.count - offset else { return nil }
            defer { offset += count }
            return data[offset..<offset + count]
        }

        mutating func bytes() -> [UInt8]? {
            guard let count = varint(), let slice = take(count) else { return nil }
            return Array(slice)
        }

        mutating func string() -> String? {
            guard let count = varint(), let slice = take(count) else { return nil }
            return String(decoding: slice, as: UTF8.self)
        }
    }
}
