import Dispatch
import Synchronization

/// The value `start` hands to its callback, the calling thread waiting for it: for a
/// synchronous caller of an API that calls back (never on the thread the callback needs).
func waitForCallback<T: Sendable>(_ start: (@escaping @Sendable (T) -> Void) -> Void) -> T {
    let box = CallbackBox<T>()
    start { value in box.put(value) }
    return box.take()
}

/// One value handed from a callback to the thread waiting for it.
private final class CallbackBox<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func put(_ new: T) {
        value.withLock { $0 = new }
        ready.signal()
    }

    func take() -> T {
        ready.wait()
        return value.withLock { $0! }
    }
}
