import Testing
import TriageCore

/// The rate controller as a value on a fake clock: burst then steady rate, never above `--rate`,
/// the cut on a throttle and the climb back.
@Suite struct RegionRateControllerTests {
    /// Sends whenever allowed from `start` to `end` (ms), returning the send times.
    private func sendGreedily(_ controller: inout RegionRateController, from start: Int64, to end: Int64) -> [Int64] {
        var sends: [Int64] = []
        var now = start
        while now < end {
            let wait = controller.delay(now: now)
            if wait == 0 {
                controller.takeSend(now: now)
                sends.append(now)
            } else {
                now += wait
            }
        }
        return sends
    }

    /// The most sends in any half-open window of `width` ms.
    private func mostInAnyWindow(_ sends: [Int64], width: Int64) -> Int {
        var most = 0
        var first = 0
        for (index, time) in sends.enumerated() {
            while sends[first] <= time - width { first += 1 }
            most = max(most, index - first + 1)
        }
        return most
    }

    @Test func aBurstOfBurstLessTheReserveThenTheRate() {
        var controller = RegionRateController(rate: 10, burst: 30, now: 1_000)
        #expect(controller.capacity == 25)
        let sends = sendGreedily(&controller, from: 1_000, to: 2_000)
        #expect(sends.prefix(25).allSatisfy { $0 == 1_000 })
        #expect(Array(sends.dropFirst(25)) == [1_100, 1_200, 1_300, 1_400, 1_500, 1_600, 1_700, 1_800, 1_900])
        #expect(controller.currentRate == 10)
    }

    @Test(arguments: [(10.0, 30.0), (3, 6), (1, 1), (2.5, 2)])
    func theReserveIsASixthOfTheBurst(rate: Double, burst: Double) {
        let controller = RegionRateController(rate: rate, burst: burst, now: 0)
        #expect(controller.capacity == (burst >= 2 ? burst - (burst / 6).rounded(.up) : burst))
    }

    /// Property: a sender that always has more to send, with random throttles over an hour: no
    /// 1-second window after the burst holds more than `rate` sends, and the rate never passes
    /// `rate`.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func neverAboveTheRateInAnySecondAfterTheBurst(seed: UInt64) {
        var random = SplitMix64(state: seed)
        var controller = RegionRateController(rate: 10, burst: 30, now: 0)
        var sends: [Int64] = []
        var now: Int64 = 0
        while now < 3_600_000 {
            let wait = controller.delay(now: now)
            guard wait == 0 else {
                now += wait
                continue
            }
            controller.takeSend(now: now)
            sends.append(now)
            if random.nextUnit() < 0.01 {
                controller.recordThrottle(now: now)
            } else {
                controller.recordSuccess(now: now)
            }
            #expect(controller.currentRate <= 10)
        }
        #expect(sends.prefix(25).allSatisfy { $0 == 0 })
        #expect(mostInAnyWindow(Array(sends.dropFirst(25)), width: 1_000) <= 10)
        #expect(mostInAnyWindow(sends, width: 1_000) <= 25 + 10)
    }

    /// Property: with idle gaps, any window of `w` ms holds at most `capacity + rate·w` sends.
    @Test func burstsAfterIdleGapsStayWithinTheBucket() {
        var random = SplitMix64(state: 9)
        var controller = RegionRateController(rate: 10, burst: 30, now: 0)
        var sends: [Int64] = []
        var now: Int64 = 0
        while now < 1_800_000 {
            if controller.delay(now: now) == 0 {
                controller.takeSend(now: now)
                sends.append(now)
            }
            now += random.nextUnit() < 0.001 ? 5_000 : 1 + Int64(random.next() % 50)
        }
        for width: Int64 in [1, 100, 1_000, 10_000] {
            #expect(mostInAnyWindow(sends, width: width) <= 25 + Int((10 * Double(width) / 1000).rounded(.up)))
        }
    }

    @Test func aThrottleEmptiesTheBucketAndCutsTheRate() {
        var controller = RegionRateController(rate: 10, burst: 30, now: 0)
        #expect(controller.delay(now: 0) == 0)
        controller.recordThrottle(now: 0)
        #expect(controller.currentRate == 5)
        // Empty: the next token flows in at 5 req/s.
        #expect(controller.delay(now: 0) == 200)
        // A throttle within the hold-off empties it again but does not cut again.
        controller.recordThrottle(now: 500)
        #expect(controller.delay(now: 500) == 200)
        #expect(abs(controller.currentRate - 5) < 0.01)
        // Past the hold-off it cuts again.
        controller.recordThrottle(now: 1_500)
        #expect(abs(controller.currentRate - 0.5 * 5) < 0.02)
    }

    @Test func theRateNeverFallsBelowTheFloor() {
        var controller = RegionRateController(rate: 10, burst: 30, now: 0)
        for second in 0..<100 { controller.recordThrottle(now: Int64(second) * 1_000) }
        #expect(abs(controller.currentRate - 0.5) < 0.001)
        var slow = RegionRateController(rate: 0.2, burst: 1, now: 0)
        slow.recordThrottle(now: 0)
        #expect(slow.currentRate == 0.2)
    }

    @Test func theRateClimbsBackToTheLimitAndNoFurther() {
        var controller = RegionRateController(rate: 10, burst: 30, now: 0)
        controller.recordThrottle(now: 0)
        var previous = controller.currentRate
        for second in stride(from: Int64(1), through: 200, by: 1) {
            controller.recordSuccess(now: second * 1_000)
            #expect(controller.currentRate >= previous)
            previous = controller.currentRate
            if second == 30 { #expect(controller.currentRate > 5.3 && controller.currentRate < 5.45) }
            if second == 140 { #expect(controller.currentRate < 10) }
        }
        // r(s) = 5 + 0.006·(s + s²/30) reaches 10 at s ≈ 143.8.
        #expect(controller.currentRate == 10)
    }

    @Test func theSendsDoNotDependOnHowOftenItIsAsked() {
        var often = RegionRateController(rate: 10, burst: 30, now: 0)
        var seldom = often
        often.recordThrottle(now: 0)
        seldom.recordThrottle(now: 0)
        for now in stride(from: Int64(0), to: 60_000, by: 7) { often.recordSuccess(now: now) }
        let sendsOften = sendGreedily(&often, from: 60_000, to: 70_000)
        let sendsSeldom = sendGreedily(&seldom, from: 60_000, to: 70_000)
        #expect(sendsOften == sendsSeldom)
    }

    @Test func aClockGoingBackAddsNothing() {
        var controller = RegionRateController(rate: 10, burst: 30, now: 10_000)
        _ = sendGreedily(&controller, from: 10_000, to: 10_001)
        #expect(controller.delay(now: 10_000) == 100)
        #expect(controller.delay(now: 5_000) == 100)
        controller.recordSuccess(now: 5_000)
        #expect(controller.delay(now: 10_100) == 0)
    }
}
