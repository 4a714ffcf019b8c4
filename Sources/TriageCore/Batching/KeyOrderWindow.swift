/// Reorders valid decisions by finding key, a window at a time, before they are planned into
/// batches: the embedded store then updates neighbouring rows one after another (its B-tree pages
/// stay in the page cache and each is written back once for many updates) instead of one random
/// page per decision.
///
/// **Why the result is unchanged.** The final state of a finding depends only on the decisions
/// for that finding and their order; findings never affect each other (§3). The window keeps
/// every finding's decisions in input order and only moves decisions of different findings past
/// each other: it sorts by (`ProductArn`, `Id`, input position), then lays the window out in
/// passes: each finding's first decision in key order, then every repeated finding's second
/// decision in key order, and so on. (Repeats placed side by side would each force the planner to
/// send a part-filled batch early; in separate passes they simply join later batches.)
///
/// **Memory.** Decisions are held compactly: the `Id` bytes in one buffer, `ProductArn` and the
/// update interned, 32 bytes of fixed fields (about 130 bytes a decision with the benchmark's
/// `Id`s). At most ``capacity`` decisions are held; a run of any length stays flat.
public struct KeyOrderWindow: Sendable {
    /// A valid decision going in or coming out: the record (``BatchMember``), its update and
    /// its finding's Region, as ``BatchPlanner/add(_:update:region:emit:)`` takes them.
    public struct Entry: Sendable {
        /// The record and its finding.
        public var member: BatchMember
        /// The update it asks for.
        public var update: CanonicalUpdate
        /// The finding's Region (``BatchRouting``); empty without routing. The same for every
        /// entry of one `ProductArn` (the window keeps it once per `ProductArn`).
        public var region: String

        /// An entry.
        public init(_ member: BatchMember, update: CanonicalUpdate, region: String = "") {
            self.member = member
            self.update = update
            self.region = region
        }
    }

    private struct Slot {
        var sequence: Int
        var idOffset: UInt32
        var idCount: UInt32
        var productArn: UInt32
        var update: UInt32
        var input: UInt32
        var line: UInt32
        /// Index into the window's accounts, ``noAccount`` for none.
        var account: UInt32

        /// The `Id` bytes within the window's buffer.
        func id(in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[Int(idOffset)..<Int(idOffset + idCount)])
        }
    }

    /// Decisions held at most before the window must be drained.
    public let capacity: Int
    private var slots: [Slot] = []
    private var idBytes: [UInt8] = []
    private var productArns: [String] = []
    /// The Region of each `ProductArn` (a finding's Region follows from its `ProductArn`).
    private var productArnRegions: [String] = []
    private var productArnIndex: [String: UInt32] = [:]
    private var updates: [CanonicalUpdate] = []
    /// The records' accounts (``BatchMember/account``), each once.
    private var accounts: [String] = []
    private var accountIndex: [String: UInt32] = [:]
    private static let noAccount = UInt32.max
    private var updateIndex: [ObjectIdentifier: UInt32] = [:]

    /// Creates a window of `capacity` decisions (1 ... 2²⁴).
    public init(capacity: Int) {
        precondition((1...(1 << 24)).contains(capacity))
        self.capacity = capacity
    }

    /// Decisions held.
    public var count: Int { slots.count }
    /// Whether the window must be drained before another decision is added.
    public var isFull: Bool { slots.count >= capacity }

    /// Adds a decision (the window must not be full).
    public mutating func append(_ entry: Entry) {
        precondition(!isFull, "append to a full window")
        if slots.isEmpty {
            // Reserved once (untouched pages cost no memory): growing by doubling would copy
            // and briefly hold both buffers.
            slots.reserveCapacity(capacity)
            idBytes.reserveCapacity(capacity * 64)
        }
        let arn: UInt32
        let member = entry.member
        if let known = productArnIndex[member.identifier.productArn] {
            arn = known
        } else {
            arn = UInt32(productArns.count)
            productArns.append(member.identifier.productArn)
            productArnRegions.append(entry.region)
            productArnIndex[member.identifier.productArn] = arn
        }
        let update: UInt32
        if let known = updateIndex[ObjectIdentifier(entry.update)] {
            update = known
        } else {
            update = UInt32(updates.count)
            updates.append(entry.update)
            updateIndex[ObjectIdentifier(entry.update)] = update
        }
        var account = Self.noAccount
        if let name = member.account {
            if let known = accountIndex[name] {
                account = known
            } else {
                account = UInt32(accounts.count)
                accounts.append(name)
                accountIndex[name] = account
            }
        }
        let offset = idBytes.count
        idBytes.append(contentsOf: member.identifier.id.utf8)
        slots.append(
            Slot(
                sequence: member.sequence, idOffset: UInt32(truncatingIfNeeded: offset),
                idCount: UInt32(truncatingIfNeeded: idBytes.count - offset), productArn: arn, update: update,
                input: UInt32(truncatingIfNeeded: member.source.input),
                line: UInt32(truncatingIfNeeded: member.source.line), account: account))
        if idBytes.count > Int(UInt32.max) { fatalError("key-order window over 4 GiB of Id bytes") }
    }

    /// Puts the held decisions in apply order (passes of key order, see the type's description).
    private mutating func sort() {
        // ProductArn ranks in byte order, then Id bytes, then input position.
        let ranks = Self.ranks(of: productArns)
        idBytes.withUnsafeBytes { bytes in
            slots.sort { left, right in
                let (a, b) = (ranks[Int(left.productArn)], ranks[Int(right.productArn)])
                if a != b { return a < b }
                let order = Self.compare(left.id(in: bytes), right.id(in: bytes))
                return order != 0 ? order < 0 : left.sequence < right.sequence
            }
        }
        // Pass of each decision: its rank among the decisions for the same finding (adjacent now).
        var passes = [UInt32](repeating: 0, count: slots.count)
        var deepest: UInt32 = 0
        idBytes.withUnsafeBytes { bytes in
            for index in slots.indices.dropFirst() {
                let (this, previous) = (slots[index], slots[index - 1])
                if this.productArn == previous.productArn, Self.compare(this.id(in: bytes), previous.id(in: bytes)) == 0
                {
                    passes[index] = passes[index - 1] + 1
                    deepest = Swift.max(deepest, passes[index])
                }
            }
        }
        guard deepest > 0 else { return }
        var laidOut: [Slot] = []
        laidOut.reserveCapacity(slots.count)
        for pass in 0...deepest {
            for index in slots.indices where passes[index] == pass { laidOut.append(slots[index]) }
        }
        slots = laidOut
    }

    /// Calls `body` with every held decision in apply order and empties the window. `body` returns `false` to stop; the decisions not yet visited are
    /// returned.
    @discardableResult
    public mutating func drain(_ body: (Entry) -> Bool) -> [Entry] {
        sort()
        var rest: [Entry] = []
        var stopped = false
        for slot in slots {
            let entry = self.entry(slot)
            if stopped {
                rest.append(entry)
            } else if !body(entry) {
                stopped = true
                rest.append(entry)
            }
        }
        self = KeyOrderWindow(capacity: capacity)
        return rest
    }

    /// Empties the window without ordering it (an interrupted run); returns what it held.
    public mutating func discard() -> [Entry] {
        let held = slots.map(entry)
        self = KeyOrderWindow(capacity: capacity)
        return held
    }

    private func entry(_ slot: Slot) -> Entry {
        let id = idBytes.withUnsafeBytes { bytes in String(decoding: slot.id(in: bytes), as: UTF8.self) }
        let member = BatchMember(
            sequence: slot.sequence,
            identifier: FindingIdentifier(id: id, productArn: productArns[Int(slot.productArn)]),
            source: SourceLocation(input: Int(slot.input), line: Int(slot.line)),
            account: slot.account == Self.noAccount ? nil : accounts[Int(slot.account)])
        return Entry(member, update: updates[Int(slot.update)], region: productArnRegions[Int(slot.productArn)])
    }

    private static func ranks(of texts: [String]) -> [UInt32] {
        let order = texts.indices.sorted { left, right in
            let (a, b) = (Array(texts[left].utf8), Array(texts[right].utf8))
            return a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y) < 0 } }
        }
        var ranks = [UInt32](repeating: 0, count: texts.count)
        for (rank, index) in order.enumerated() { ranks[index] = UInt32(rank) }
        return ranks
    }

    /// Byte order (SQLite's `BINARY` collation, the store's key order); -1, 0 or 1.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = Swift.min(a.count, b.count)
        var offset = 0
        // Eight bytes at a time: big-endian words order like their bytes.
        while offset + 8 <= common {
            let x = UInt64(bigEndian: a.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let y = UInt64(bigEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if x != y { return x < y ? -1 : 1 }
            offset += 8
        }
        while offset < common {
            if a[offset] != b[offset] { return a[offset] < b[offset] ? -1 : 1 }
            offset += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
