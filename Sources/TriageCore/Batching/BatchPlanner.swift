/// A record that goes into a batch: a valid decision's ``RecordReference`` with the finding's
/// identity parsed (the planner and the applier key on it).
///
/// It holds the reference's fields rather than a reference: it is kept per decision while a
/// batch is open, queued or in flight, and the `Id` and `ProductArn` once, in ``identifier``,
/// keep it at 72 bytes (the account is usually a substring of the `Id` or a shared string). ``reference`` names the record as the journal and the reports do.
public struct BatchMember: Hashable, Sendable {
    /// 0-based position of the record in the run (across all inputs).
    public var sequence: Int
    /// The finding it updates.
    public var identifier: FindingIdentifier
    /// Where the record came from (for the journal).
    public var source: SourceLocation
    /// The account the finding belongs to (``FindingAccount``), nil when unknown.
    public var account: String?

    /// Creates a member.
    public init(
        sequence: Int, identifier: FindingIdentifier, source: SourceLocation = SourceLocation(input: 0, line: 0),
        account: String? = nil
    ) {
        self.sequence = sequence
        self.identifier = identifier
        self.source = source
        self.account = account
    }

    /// The record as the journal, the failure sample and the reports name it.
    public var reference: RecordReference {
        RecordReference(sequence: sequence, source: source, identifier: identifier, account: account)
    }
}

/// A request-shaped batch: one update, 1..batchSize findings, no finding twice, one Region.
public struct PlannedBatch: Sendable {
    /// The shared update.
    public var update: CanonicalUpdate
    /// Its records, in input order.
    public var members: [BatchMember]
    /// The Region every member's finding goes to (``BatchRouting``); empty for a target that
    /// does not route (the store).
    public var region: String
    /// The account whose credentials send the batch (`--assume-role`: every member's finding
    /// belongs to it); nil for the run's own credentials.
    public var account: String?

    /// Creates a batch.
    public init(update: CanonicalUpdate, members: [BatchMember], region: String = "", account: String? = nil) {
        self.update = update
        self.members = members
        self.region = region
        self.account = account
    }

    /// The lane the batch goes through: its account and Region.
    public var lane: LaneKey { LaneKey(account: account, region: region) }
}

/// A lane of the scheduler: the account whose credentials send (nil: the run's own) and the
/// Region. Security Hub's quota is per calling account and Region, so each lane has its own pace.
public struct LaneKey: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The account whose assumed role sends, nil for the run's own credentials.
    public var account: String?
    /// The Region (empty for the store).
    public var region: String

    /// A lane.
    public init(account: String? = nil, region: String) {
        self.account = account
        self.region = region
    }

    /// The run's own lane of Region `region` (a literal names a Region).
    public init(stringLiteral region: String) {
        self.init(region: region)
    }

    /// `us-east-1`, or `us-east-1 (account 222222222222)` for an assumed role's lane.
    public var description: String {
        account.map { "\(region) (account \($0))" } ?? region
    }

    /// By Region, then account (the run's own first).
    public static func < (left: LaneKey, right: LaneKey) -> Bool {
        if left.region != right.region { return left.region < right.region }
        return (left.account ?? "") < (right.account ?? "")
    }
}

/// Groups valid decisions into batches of one shared update, as few as the ordering rule allows.
///
/// Rules:
/// - a batch holds up to `batchSize` records with an identical canonical update, and never two
///   records of one finding (the API would report `DuplicatedFindingIdentifier`);
/// - **ordering**: when a decision names a finding that sits in an open (not yet emitted)
///   batch, the batch it joins is ordered after that one (and emitting it emits that one first);
///   when that cannot work (the same batch, or a cycle) the earlier batch is emitted at once. So
///   for any finding, the batches holding its decisions are emitted in input order; the applier
///   then keeps batches that share a finding from overtaking each other (``InFlightFindings``);
/// - **memory**: at most `maxOpenGroups` updates have an open batch; a new update beyond that
///   emits the batch that was opened first, partly filled. That costs one extra request each time
///   more than `maxOpenGroups` distinct updates interleave, and bounds memory to
///   `maxOpenGroups × batchSize` records.
///
/// Without repeated findings and with at most `maxOpenGroups` distinct updates the plan has
/// exactly Σ⌈nₖ / batchSize⌉ batches, nₖ the number of records with update k.
public struct BatchPlanner: Sendable {
    /// What a batch shares: its update, its Region (a request goes to one Region) and the
    /// account whose credentials send it.
    private struct GroupKey: Hashable {
        var update: CanonicalUpdate
        var region: String
        var account: String?
    }

    private struct Group {
        var key: GroupKey
        var members: [BatchMember]
        /// Open groups that must be emitted before this one (they hold an earlier decision for
        /// one of its findings).
        var after: [Int] = []
    }

    /// Findings per batch, 1..100.
    public let batchSize: Int
    /// Updates with an open batch at most.
    public let maxOpenGroups: Int

    /// Open groups by generation (a number given to each group when it opens, rising).
    private var groups: [Int: Group] = [:]
    /// The open group of each update.
    private var openGroupOfUpdate: [GroupKey: Int] = [:]
    /// Which open group holds each finding.
    private var openFindings: [FindingIdentifier: Int] = [:]
    /// Generations in the order they opened; closed ones are skipped lazily.
    private var openOrder: [Int] = []
    private var openOrderHead = 0
    private var nextGeneration = 0

    /// Creates a planner.
    public init(batchSize: Int = 100, maxOpenGroups: Int = 1024) {
        precondition((1...100).contains(batchSize), "batch size must be 1...100")
        precondition(maxOpenGroups >= 1)
        self.batchSize = batchSize
        self.maxOpenGroups = maxOpenGroups
    }

    /// Adds a valid decision and calls `emit` for every batch that must be sent now, in order.
    /// `region` is the Region of the decision's finding (the same for every decision of one
    /// finding); batches never mix Regions. `account` is the account whose credentials send it
    /// (the same for every decision of one finding), nil for the run's own; batches never mix
    /// accounts either.
    public mutating func add(
        _ member: BatchMember, update: CanonicalUpdate, region: String = "", account: String? = nil,
        emit: (PlannedBatch) -> Void
    ) {
        let identifier = member.identifier
        let update = GroupKey(update: update, region: region, account: account)
        var mustFollow: Int?
        if let holding = openFindings[identifier] {
            // An earlier decision for this finding waits in `holding`: this one must be emitted
            // later. Defer that by ordering the groups; close `holding` only when ordering cannot
            // work (same group, or the target group already comes before `holding`).
            if let target = openGroupOfUpdate[update], target == holding || precedes(target, holding) {
                close(holding, emit: emit)
            } else {
                mustFollow = holding
            }
        }
        let generation: Int
        if let open = openGroupOfUpdate[update] {
            generation = open
        } else {
            if groups.count >= maxOpenGroups { closeOldest(emit: emit) }
            generation = nextGeneration
            nextGeneration += 1
            var members: [BatchMember] = []
            members.reserveCapacity(batchSize)
            groups[generation] = Group(key: update, members: members)
            openGroupOfUpdate[update] = generation
            openOrder.append(generation)
        }
        if let mustFollow, groups[mustFollow] != nil, !groups[generation]!.after.contains(mustFollow) {
            groups[generation]!.after.append(mustFollow)
        }
        openFindings[identifier] = generation
        let full = Self.append(member, to: &groups[generation]!)
        if full >= batchSize { close(generation, emit: emit) }
    }

    /// Whether open group `first` must be emitted before open group `second` (directly or through
    /// other groups).
    private func precedes(_ first: Int, _ second: Int) -> Bool {
        var stack = groups[second]?.after ?? []
        var seen = Set<Int>()
        while let next = stack.popLast() {
            if next == first { return true }
            guard seen.insert(next).inserted, let group = groups[next] else { continue }
            stack.append(contentsOf: group.after)
        }
        return false
    }

    private static func append(_ member: BatchMember, to group: inout Group) -> Int {
        group.members.append(member)
        return group.members.count
    }

    /// Emits every open batch, oldest first. Call once at the end of the input.
    public mutating func finish(emit: (PlannedBatch) -> Void) {
        while openOrderHead < openOrder.count { closeOldest(emit: emit) }
        openOrder.removeAll()
        openOrderHead = 0
    }

    /// Records currently held in open batches.
    public var pendingCount: Int { groups.values.reduce(0) { $0 + $1.members.count } }

    /// Drops every open batch without emitting it (an interrupted run sends nothing more); returns
    /// the records they held.
    public mutating func discardOpenBatches() -> [BatchMember] {
        let members = groups.values.flatMap(\.members)
        groups.removeAll()
        openGroupOfUpdate.removeAll()
        openFindings.removeAll()
        openOrder.removeAll()
        openOrderHead = 0
        return members
    }

    private mutating func closeOldest(emit: (PlannedBatch) -> Void) {
        while openOrderHead < openOrder.count {
            let generation = openOrder[openOrderHead]
            openOrderHead += 1
            if groups[generation] != nil {
                close(generation, emit: emit)
                break
            }
        }
        if openOrderHead > 4096, openOrderHead * 2 > openOrder.count {
            openOrder.removeFirst(openOrderHead)
            openOrderHead = 0
        }
    }

    private mutating func close(_ generation: Int, emit: (PlannedBatch) -> Void) {
        guard let after = groups[generation]?.after else { return }
        // Groups holding earlier decisions for its findings go first.
        for earlier in after where groups[earlier] != nil { close(earlier, emit: emit) }
        guard let group = groups.removeValue(forKey: generation) else { return }
        if openGroupOfUpdate[group.key] == generation { openGroupOfUpdate.removeValue(forKey: group.key) }
        for member in group.members where openFindings[member.identifier] == generation {
            openFindings.removeValue(forKey: member.identifier)
        }
        emit(
            PlannedBatch(
                update: group.key.update, members: group.members, region: group.key.region, account: group.key.account))
    }
}
