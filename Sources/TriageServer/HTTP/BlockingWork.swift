import Dispatch

/// Runs the store's blocking SQLite calls off the event loops: on a concurrent Dispatch queue
/// (reads run side by side on the store's reader connections; writes wait for the store's single
/// writer), resuming the request's task when done.
enum BlockingWork {
    private static let queue = DispatchQueue(label: "triage.serve.store", attributes: .concurrent)

    /// The result of `body`, run on the queue.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
