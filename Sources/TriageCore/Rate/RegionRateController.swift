/// The client-side request rate of one account-Region: a token bucket at `--rate`/`--burst` that
/// slows down when the service throttles and climbs back after. Pure: the caller passes the time,
/// in epoch milliseconds, and asks ``delay(now:)`` before every send.
///
/// The algorithm (AIMD with an accelerating increase), with its constants:
/// - **Bucket.** Tokens flow in at the allowed rate *r* (``currentRate``, at most `rate`) and at
///   most `burst − reserve` are stored, where `reserve = ceil(burst / 6)` (5 of 30; none when the
///   burst is below 2). Full at start. The service's bucket is full at start too and sees each
///   request a network latency after this one took its token, so a client bucket that never
///   holds more than the service's stays behind it: the reserve absorbs `rate × latency` (500 ms at
///   10/s) of jitter, and alone on a Region the client is never throttled.
/// - **Throttle** (``recordThrottle(now:)``): the service's bucket is empty, so this one is emptied
///   too (no send until a token has flowed in at the new rate), and *r* is cut to
///   `max(floor, β·r)` with `β = 0.5` and `floor = min(rate, 0.5)` requests/s. Throttles within
///   1,000 ms (`holdOffMilliseconds`) of a cut answer requests sent before it: they empty the
///   bucket again but do not cut again.
/// - **Increase.** `s` seconds after the last cut to `r₀`:
///   `r(s) = min(rate, r₀ + a·(s + s²/(2τ)))` with `a = 0.0006·rate` requests/s² and `τ = 15 s`:
///   the slope starts slow (0.006 req/s² at rate 10: the probe above the other clients' share
///   drains the service's bucket slowly, one throttle per such cycle) and grows by the slope
///   again every 15 s, so the rate comes back from 5 to `rate` within about 2.5 minutes of a cut
///   once the quota is free again. β = 0.5 rather than 0.7: with another client taking 30 % of
///   the quota, 0.7 of the full rate is exactly the share left, and jitter then throttles
///   again at once (measured against `triage serve`: 5 of 424 requests throttled with 0.7).
///   The bucket integrates `r(s)` exactly, so the answer does not depend on how often it is asked.
/// - The rate is never above `rate`; over any window of `w` seconds at most `burst − reserve +
///   rate·w` requests are sent, and none above `rate·w` once the burst is spent.
///
/// A `now` earlier than one already seen counts as that latest instant. Figures measured with
/// these constants are in the README (`QuotaSimulation` and `jobs/sim-rate`).
public struct RegionRateController: Sendable {
    /// The most requests a second (`--rate`).
    public let rate: Double
    /// The most requests stored for a burst (`--burst`); the bucket holds `burst − reserve`.
    public let burst: Double
    /// The tokens the bucket holds at most: `burst − reserve`.
    public let capacity: Double

    /// The cut factor on a throttle.
    static let beta = 0.5
    /// The increase's initial slope, as a fraction of `rate` per second.
    static let slopeFraction = 0.0006
    /// The seconds after which the slope has grown by its initial value.
    static let slopeGrowthSeconds = 15.0
    /// Throttles this soon after a cut do not cut again.
    static let holdOffMilliseconds: Int64 = 1_000
    /// How far below a whole token a send is still allowed (floating-point refill sums).
    static let tolerance = 1e-9

    /// Tokens at ``updatedAt``.
    private var tokens: Double
    /// The latest time seen, epoch milliseconds.
    private var updatedAt: Int64
    /// The last cut: when, and the rate right after it; nil before the first throttle.
    private var cut: (at: Int64, rate: Double)?

    /// A full bucket at `now` (epoch milliseconds) allowing `rate` requests a second after a burst
    /// of `burst`.
    /// - Precondition: `rate` is finite and positive, `burst` finite and at least 1.
    public init(rate: Double, burst: Double, now: Int64) {
        precondition(rate.isFinite && rate > 0 && burst.isFinite && burst >= 1, "rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = burst
        let reserve = burst >= 2 ? (burst / 6).rounded(.up) : 0
        capacity = burst - reserve
        tokens = capacity
        updatedAt = now
    }

    /// The requests a second allowed at the latest time seen, never above ``rate``.
    public var currentRate: Double { allowedRate(at: updatedAt) }

    /// The milliseconds until a request may be sent at `now` (0: now). Takes nothing.
    public func delay(now: Int64) -> Int64 {
        var copy = self
        copy.advance(to: now)
        let missing = 1 - Self.tolerance - copy.tokens
        guard missing > 0 else { return 0 }
        // The rate only grows until the next throttle, so the current one gives an upper bound.
        return max(1, Int64((missing / copy.currentRate * 1000).rounded(.up)))
    }

    /// Takes the token of a request sent at `now`; call only when ``delay(now:)`` is 0.
    public mutating func takeSend(now: Int64) {
        advance(to: now)
        tokens -= 1
    }

    /// Records a throttled answer (429 or a throttling code) received at `now`: empties the bucket
    /// and, unless a cut happened within the hold-off, cuts the rate.
    public mutating func recordThrottle(now: Int64) {
        advance(to: now)
        tokens = 0
        if let cut, updatedAt - cut.at < Self.holdOffMilliseconds { return }
        let floor = min(rate, 0.5)
        cut = (updatedAt, max(floor, Self.beta * allowedRate(at: updatedAt)))
    }

    /// Records an answer at `now` that was not a throttle (success or any other failure).
    public mutating func recordSuccess(now: Int64) {
        advance(to: now)
    }

    /// Refills the bucket up to `now`.
    private mutating func advance(to now: Int64) {
        guard now > updatedAt else { return }
        let gained =
            cut == nil
            ? Double(now - updatedAt) / 1000 * rate
            : tokensFlowedSinceCut(to: now) - tokensFlowedSinceCut(to: updatedAt)
        tokens = min(capacity, tokens + gained)
        updatedAt = now
    }
}

extension RegionRateController {
    /// The initial slope of the increase, requests/s².
    private var slope: Double { Self.slopeFraction * rate }

    /// `r(s)` at `time`.
    func allowedRate(at time: Int64) -> Double {
        guard let cut else { return rate }
        let s = Double(max(0, time - cut.at)) / 1000
        return min(rate, cut.rate + slope * (s + s * s / (2 * Self.slopeGrowthSeconds)))
    }

    /// The tokens that flowed in from the last cut to `time`: the integral of `r(s)`, so that
    /// refills sum to the same whatever the steps.
    private func tokensFlowedSinceCut(to time: Int64) -> Double {
        guard let cut else { return 0 }
        let s = Double(max(0, time - cut.at)) / 1000
        let tau = Self.slopeGrowthSeconds
        // r(s) reaches `rate` at s*, the positive root of a·(s + s²/2τ) = rate − r₀.
        let headroom = rate - cut.rate
        let full = tau * (-1 + (1 + 2 * headroom / (slope * tau)).squareRoot())
        let rising = min(s, full)
        let integral = cut.rate * rising + slope * (rising * rising / 2 + rising * rising * rising / (6 * tau))
        return integral + max(0, s - full) * rate
    }
}
