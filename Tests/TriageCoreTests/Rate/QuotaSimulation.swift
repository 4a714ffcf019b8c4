import TriageCore

/// A client-side limiter that ``QuotaSimulation`` drives.
protocol SimulatedLimiter {
    /// Milliseconds until a send may happen (0: now).
    func delay(now: Int64) -> Int64
    /// Takes a send's token.
    mutating func takeSend(now: Int64)
    /// A throttled answer arrived.
    mutating func recordThrottle(now: Int64)
    /// Another answer arrived.
    mutating func recordSuccess(now: Int64)
}

extension RegionRateController: SimulatedLimiter {}

/// A plain token bucket at the client (no adaptation, no reserve): the baseline the controller
/// must beat.
struct PlainBucketLimiter: SimulatedLimiter {
    /// The bucket.
    var bucket: TokenBucket

    func delay(now: Int64) -> Int64 {
        let missing = 1 - 1e-9 - bucket.available(now: now)
        return missing > 0 ? max(1, Int64((missing / bucket.rate * 1000).rounded(.up))) : 0
    }
    mutating func takeSend(now: Int64) { _ = bucket.take(now: now) }
    mutating func recordThrottle(now: Int64) {}
    mutating func recordSuccess(now: Int64) {}
}

/// One account-Region's quota on a simulated clock: the service's bucket (10 req/s, burst 30,
/// full at start), triage's client with up to `inFlight` requests outstanding and always more to
/// send, and optionally a second client sending 3 req/s into the same bucket.
///
/// Every request reaches the service 1-200 ms (uniform, seeded) after the client took its token
/// and is answered 1-200 ms after that; a request that finds the service's bucket empty is
/// throttled (429) and the worker moves on to its next request. Time advances in 1 ms steps.
struct QuotaSimulation {
    /// Triage's requests outstanding at most.
    var inFlight: Int
    /// The simulated run, milliseconds.
    var durationMilliseconds: Int64
    /// When the second client sends (3 req/s), milliseconds; empty for none.
    var otherClient: Range<Int64> = 0..<0
    /// The latency seed.
    var seed: UInt64 = 1

    /// One of triage's requests.
    struct Request {
        /// When the client took its token.
        var sentAt: Int64
        /// Whether the service throttled it.
        var throttled = false
        /// Whether it reached the service before the end.
        var arrived = false
    }

    /// What happened in a window, by send time.
    struct Figures: CustomStringConvertible {
        /// Requests sent a second.
        var sentPerSecond: Double
        /// Requests sent a second that were not throttled.
        var successfulPerSecond: Double
        /// Throttled requests.
        var throttled: Int
        /// Requests sent.
        var requests: Int
        /// Throttled share of the requests sent.
        var throttledShare: Double { requests == 0 ? 0 : Double(throttled) / Double(requests) }

        var description: String {
            let share = (throttledShare * 1000).rounded() / 10
            let sent = (sentPerSecond * 100).rounded() / 100
            let successful = (successfulPerSecond * 100).rounded() / 100
            return
                "sent \(sent) req/s, successful \(successful) req/s, throttled \(throttled) of \(requests) (\(share)%)"
        }
    }

    /// Runs the model with `limiter` at the client; returns triage's requests in send order.
    func run(_ limiter: some SimulatedLimiter) -> [Request] {
        var limiter = limiter
        var random = SplitMix64(state: seed)
        var server = TokenBucket(rate: 10, burst: 30, now: 0)
        var requests: [Request] = []
        // (time, request index; -1 for the other client's requests)
        var arrivals: [(at: Int64, request: Int)] = []
        var responses: [(at: Int64, request: Int)] = []
        var otherSent = 0
        func latency() -> Int64 { 1 + Int64(random.next() % 200) }
        for now in 0..<durationMilliseconds {
            while otherClient.contains(now), Int64(otherSent) * 1000 / 3 <= now - otherClient.lowerBound {
                otherSent += 1
                arrivals.append((now + latency(), -1))
            }
            var index = 0
            while index < arrivals.count {
                guard arrivals[index].at == now else {
                    index += 1
                    continue
                }
                let request = arrivals.remove(at: index).request
                let granted = server.take(now: now)
                guard request >= 0 else { continue }
                requests[request].arrived = true
                requests[request].throttled = !granted
                responses.append((now + latency(), request))
            }
            index = 0
            while index < responses.count {
                guard responses[index].at == now else {
                    index += 1
                    continue
                }
                let request = responses.remove(at: index).request
                if requests[request].throttled {
                    limiter.recordThrottle(now: now)
                } else {
                    limiter.recordSuccess(now: now)
                }
            }
            var outstanding = responses.count + arrivals.count { $0.request >= 0 }
            while outstanding < inFlight, limiter.delay(now: now) == 0 {
                limiter.takeSend(now: now)
                requests.append(Request(sentAt: now))
                arrivals.append((now + latency(), requests.count - 1))
                outstanding += 1
            }
        }
        return requests
    }

    /// The figures of the requests sent in `window` (milliseconds) that reached the service.
    static func figures(_ requests: [Request], in window: Range<Int64>) -> Figures {
        let chosen = requests.filter { window.contains($0.sentAt) && $0.arrived }
        let throttled = chosen.count { $0.throttled }
        let seconds = Double(window.count) / 1000
        return Figures(
            sentPerSecond: Double(chosen.count) / seconds,
            successfulPerSecond: Double(chosen.count - throttled) / seconds,
            throttled: throttled, requests: chosen.count)
    }
}
