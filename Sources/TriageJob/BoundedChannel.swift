import Dispatch
import Synchronization

/// A first-in first-out hand-over between one producer thread and one consumer thread that holds
/// at most `capacity` items: the producer waits when the consumer falls behind, so memory stays
/// bounded. Closing (by the producer) lets the consumer drain and then see `nil`.
final class BoundedChannel<Element: Sendable>: Sendable {
    private let slots: DispatchSemaphore
    private let items = DispatchSemaphore(value: 0)
    private let state: Mutex<(queue: [Element?], head: Int)>

    init(capacity: Int) {
        slots = DispatchSemaphore(value: capacity)
        state = Mutex((queue: [], head: 0))
    }

    /// Waits for room, then enqueues.
    func send(_ element: Element) {
        slots.wait()
        state.withLock { $0.queue.append(element) }
        items.signal()
    }

    /// Marks the end: the consumer receives nil after the items already sent.
    func close() {
        state.withLock { $0.queue.append(nil) }
        items.signal()
    }

    /// Waits for the next item; nil once closed and drained.
    func receive() -> Element? {
        items.wait()
        let element = state.withLock { state -> Element? in
            let element = state.queue[state.head]
            state.head += 1
            if state.head > 64, state.head * 2 > state.queue.count {
                state.queue.removeFirst(state.head)
                state.head = 0
            }
            return element
        }
        if element != nil { slots.signal() }
        return element
    }
}
