import Synchronization

/// Numbers the store's write transactions 1, 2, 3… in the order they commit, so that a server
/// can log the order in which requests took effect.
///
/// The number is drawn on the writer's serial queue as the transaction commits (GRDB's
/// `afterNextTransaction`), where no other write can come between; a transaction that rolls back
/// draws none. In a rehearsal nothing commits: a number is drawn at the end of the request's
/// savepoint instead.
final class CommitCounter: Sendable {
    /// Where the number of one transaction is left for its caller.
    final class Slot: Sendable {
        private let number = Mutex<Int>(0)

        /// The number drawn, 0 until the transaction committed.
        var value: Int { number.withLock { $0 } }

        fileprivate func set(_ value: Int) { number.withLock { $0 = value } }
    }

    private let last = Mutex<Int>(0)

    /// Draws the next number into `slot`.
    func draw(into slot: Slot) {
        slot.set(
            last.withLock { number in
                number += 1
                return number
            })
    }
}
