/// A token bucket, as Security Hub throttles each account and Region: `rate` tokens a second flow
/// in, at most `burst` are stored, and a request takes one or is refused. Pure: the caller passes
/// the time, in epoch milliseconds.
///
/// - Full at start (`burst` tokens), so a burst can be spent at once.
/// - Refill is fractional and continuous: at rate 10 a token comes back every 100 ms.
/// - A `now` earlier than one already seen adds nothing (clocks read on several threads arrive
///   out of order); time never runs backwards for the bucket.
/// - Rate 0 means unlimited: ``take(now:)`` always succeeds.
/// - A token is taken when at least `1 - 1e-9` is stored, so that refills summed in floating point
///   (rate 3 every 333⅓ ms) never miss a whole token by a rounding error.
/// - With a positive rate and a burst below 1 no request ever passes (a configuration error;
///   `ServeConfig` refuses it).
package struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second; 0 for unlimited.
    package let rate: Double
    /// The most tokens stored.
    package let burst: Double
    /// Tokens stored at ``updatedAt``.
    private var tokens: Double
    /// The latest time seen, epoch milliseconds.
    private var updatedAt: Int64

    /// How far below a whole token a take still succeeds.
    private static let tolerance = 1e-9

    /// A full bucket at `now` (epoch milliseconds).
    /// - Precondition: `rate` and `burst` are finite and not negative.
    package init(rate: Double, burst: Double, now: Int64) {
        precondition(rate.isFinite && rate >= 0 && burst.isFinite && burst >= 0, "rate and burst must be finite, >= 0")
        self.rate = rate
        self.burst = burst
        tokens = burst
        updatedAt = now
    }

    /// Takes one token at `now` (epoch milliseconds): true if there was one (or the rate is 0).
    package mutating func take(now: Int64) -> Bool {
        guard rate > 0 else { return true }
        refill(now: now)
        guard tokens >= 1 - Self.tolerance else { return false }
        tokens -= 1
        return true
    }

    /// The tokens stored at `now`, without taking one (`burst` when the rate is 0).
    package func available(now: Int64) -> Double {
        var copy = self
        copy.refill(now: now)
        return rate > 0 ? copy.tokens : burst
    }

    /// Whether the bucket is full at `now`: it behaves exactly like a new one.
    package func isFull(now: Int64) -> Bool {
        available(now: now) >= burst
    }

    private mutating func refill(now: Int64) {
        guard now > updatedAt else { return }
        // In Double: two epoch-millisecond values differ by far less than 2^53.
        let elapsedSeconds = (Double(now) - Double(updatedAt)) / 1000
        tokens = min(burst, tokens + elapsedSeconds * rate)
        updatedAt = now
    }
}
