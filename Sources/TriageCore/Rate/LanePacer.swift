/// The pace of one Region's lane, asked by the scheduler before each send and told what each
/// answer said about the rate. ``RegionRateController`` is the real one (the service's quota,
/// adapting to throttles); tests hand their own. Times are monotonic milliseconds.
public protocol LanePacer: Sendable {
    /// Milliseconds until the lane may send (0: now); takes nothing.
    func delay(now: Int64) -> Int64
    /// Takes a send; called when ``delay(now:)`` said 0, right before the attempt.
    mutating func takeSend(now: Int64)
    /// What an answer said about the rate (``AttemptStateMachine/RateSignal``).
    mutating func record(_ signal: AttemptStateMachine.RateSignal, now: Int64)
}

extension RegionRateController: LanePacer {
    /// A throttle cuts the rate, any other answer lets it grow back; no answer says nothing.
    public mutating func record(_ signal: AttemptStateMachine.RateSignal, now: Int64) {
        switch signal {
        case .none: break
        case .answered: recordSuccess(now: now)
        case .throttled: recordThrottle(now: now)
        }
    }
}
