/// The ordering rule of the applier: a batch may start only when none of its findings is in a
/// batch still running.
///
/// The ``BatchPlanner`` emits the batches that hold decisions for one finding in input order;
/// the applier starts batches in that order and asks this gate first, so a later decision for a
/// finding never overtakes an earlier one, whatever the concurrency. Pure: the applier holds it
/// behind its lock.
public struct InFlightFindings: Sendable {
    private var running: [FindingIdentifier: Int] = [:]

    /// Creates an empty gate.
    public init() {}

    /// Whether a batch with these members may start now.
    public func canStart(_ members: [BatchMember]) -> Bool {
        running.isEmpty || !members.contains { running[$0.identifier] != nil }
    }

    /// Marks the members as running.
    public mutating func start(_ members: [BatchMember]) {
        for member in members { running[member.identifier, default: 0] += 1 }
    }

    /// Marks the members as finished.
    public mutating func finish(_ members: [BatchMember]) {
        for member in members {
            if let count = running[member.identifier], count > 1 {
                running[member.identifier] = count - 1
            } else {
                running.removeValue(forKey: member.identifier)
            }
        }
    }

    /// Findings in running batches.
    public var count: Int { running.count }
}
