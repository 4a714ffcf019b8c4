import Testing
import TriageCore

/// The token bucket as a value: full at start, fractional refill, capped, clocks that go back.
@Suite struct TokenBucketTests {
    /// Takes `count` tokens at `now`, returning how many were granted.
    private func take(_ bucket: inout TokenBucket, _ count: Int, at now: Int64) -> Int {
        (0..<count).filter { _ in granted(&bucket, at: now) }.count
    }

    /// Takes one token at `now`.
    private func granted(_ bucket: inout TokenBucket, at now: Int64) -> Bool {
        bucket.take(now: now)
    }

    @Test func aFullBucketGivesItsBurstAtOnceThenNothing() {
        var bucket = TokenBucket(rate: 10, burst: 30, now: 1_000)
        #expect(take(&bucket, 31, at: 1_000) == 30)
        #expect(!granted(&bucket, at: 1_000))
    }

    @Test func tokensComeBackAtTheRate() {
        var bucket = TokenBucket(rate: 10, burst: 30, now: 0)
        #expect(take(&bucket, 30, at: 0) == 30)
        #expect(!granted(&bucket, at: 99))
        #expect(granted(&bucket, at: 100))
        #expect(!granted(&bucket, at: 100))
        #expect(take(&bucket, 20, at: 1_100) == 10)
    }

    @Test func refillIsFractional() {
        var bucket = TokenBucket(rate: 3, burst: 6, now: 0)
        #expect(take(&bucket, 6, at: 0) == 6)
        // 3 a second: a token every 333⅓ ms, whether the time comes in one step or in many.
        #expect(!granted(&bucket, at: 333))
        #expect(granted(&bucket, at: 334))
        for now in stride(from: Int64(335), through: 667, by: 1) where now < 667 {
            #expect(!granted(&bucket, at: now))
        }
        #expect(granted(&bucket, at: 667))
        #expect(take(&bucket, 10, at: 1_000) == 1)
    }

    @Test func anIdleBucketStoresAtMostItsBurst() {
        var bucket = TokenBucket(rate: 10, burst: 30, now: 0)
        #expect(take(&bucket, 30, at: 0) == 30)
        #expect(bucket.available(now: 3_600_000) == 30)
        #expect(take(&bucket, 40, at: 3_600_000) == 30)
    }

    @Test func aClockGoingBackAddsNoTokens() {
        var bucket = TokenBucket(rate: 10, burst: 30, now: 10_000)
        #expect(take(&bucket, 30, at: 10_000) == 30)
        #expect(!granted(&bucket, at: 5_000))
        #expect(!granted(&bucket, at: 9_999))
        // Time counts from the latest instant seen, not from the one that went back.
        #expect(granted(&bucket, at: 10_100))
        #expect(!granted(&bucket, at: 10_050))
        #expect(!granted(&bucket, at: 10_199))
        #expect(granted(&bucket, at: 10_200))
    }

    @Test func rateZeroIsUnlimited() {
        var bucket = TokenBucket(rate: 0, burst: 0, now: 0)
        #expect(take(&bucket, 10_000, at: 0) == 10_000)
        #expect(bucket.isFull(now: 0))
    }

    @Test func aBurstBelowOneNeverGrants() {
        var bucket = TokenBucket(rate: 5, burst: 0.5, now: 0)
        #expect(take(&bucket, 10, at: 0) == 0)
        #expect(take(&bucket, 10, at: 1_000_000) == 0)
    }

    @Test func fullnessTracksRefill() {
        var bucket = TokenBucket(rate: 10, burst: 2, now: 0)
        #expect(bucket.isFull(now: 0))
        #expect(granted(&bucket, at: 0))
        #expect(!bucket.isFull(now: 50))
        #expect(bucket.available(now: 50) == 1.5)
        #expect(bucket.isFull(now: 100))
    }
}
