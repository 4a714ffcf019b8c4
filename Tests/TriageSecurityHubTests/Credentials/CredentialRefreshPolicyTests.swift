import Testing

@testable import TriageSecurityHub

@Suite struct CredentialRefreshPolicyTests {
    let hour: Int64 = 3_600_000

    @Test func longTermCredentialsAreNeverRefreshed() {
        let policy = CredentialRefreshPolicy(expiration: nil, fetchedAt: 0)
        #expect(policy.action(now: 10 * hour, lastFailure: nil) == .use)
    }

    @Test func oneHourCredentialsUseBotocoresWindows() {
        let policy = CredentialRefreshPolicy(expiration: hour, fetchedAt: 0)
        #expect(policy.advisoryWindow == 15 * 60_000)
        #expect(policy.mandatoryWindow == 10 * 60_000)
        #expect(policy.action(now: hour - 15 * 60_000 - 1, lastFailure: nil) == .use)
        #expect(policy.action(now: hour - 15 * 60_000, lastFailure: nil) == .refreshAdvisory)
        #expect(policy.action(now: hour - 10 * 60_000 - 1, lastFailure: nil) == .refreshAdvisory)
        #expect(policy.action(now: hour - 10 * 60_000, lastFailure: nil) == .refreshMandatory)
        #expect(policy.action(now: hour + 1, lastFailure: nil) == .refreshMandatory)
    }

    @Test func longerLivedCredentialsKeepBotocoresWindows() {
        let policy = CredentialRefreshPolicy(expiration: 12 * hour, fetchedAt: 0)
        #expect(policy.advisoryWindow == 15 * 60_000)
        #expect(policy.mandatoryWindow == 10 * 60_000)
        #expect(policy.retryGap == 30_000)
    }

    @Test func sixtySecondCredentialsGetScaledWindows() {
        let policy = CredentialRefreshPolicy(expiration: 60_000, fetchedAt: 0)
        #expect(policy.advisoryWindow == 15_000)
        #expect(policy.mandatoryWindow == 10_000)
        #expect(policy.retryGap == 1_000)
        #expect(policy.action(now: 44_999, lastFailure: nil) == .use)
        #expect(policy.action(now: 45_000, lastFailure: nil) == .refreshAdvisory)
        #expect(policy.action(now: 50_000, lastFailure: nil) == .refreshMandatory)
    }

    @Test func aFailureWaitsForTheRetryGap() {
        let policy = CredentialRefreshPolicy(expiration: 60_000, fetchedAt: 0)
        #expect(policy.action(now: 46_000, lastFailure: 45_500) == .use)
        #expect(policy.action(now: 46_500, lastFailure: 45_500) == .refreshAdvisory)
        #expect(policy.action(now: 61_000, lastFailure: 60_500) == .failRemembered)
        #expect(policy.action(now: 61_500, lastFailure: 60_500) == .refreshMandatory)
    }

    /// After a failed refresh the credentials serve until they expire, in the mandatory window too (botocore
    /// throws there), and nobody waits for the retries: one caller tries again after each gap.
    @Test func credentialsThatCannotBeRefreshedAreUsedUntilTheyExpire() {
        let policy = CredentialRefreshPolicy(expiration: 60_000, fetchedAt: 0)
        #expect(policy.action(now: 50_000, lastFailure: nil) == .refreshMandatory)
        #expect(policy.action(now: 52_000, lastFailure: 51_500) == .use)
        #expect(policy.action(now: 52_500, lastFailure: 51_500) == .refreshAdvisory)
        #expect(policy.action(now: 59_999, lastFailure: 59_500) == .use)
        #expect(policy.action(now: 60_000, lastFailure: 59_500) == .failRemembered)
        #expect(!policy.hasExpired(at: 59_999))
        #expect(policy.hasExpired(at: 60_000))
    }

    @Test(arguments: [Int64(0), 1, 999, 60_000, 900_000, 3_600_000, 43_200_000])
    func nothingExpiredIsEverUsed(lifetime: Int64) {
        let policy = CredentialRefreshPolicy(expiration: 1_000 + lifetime, fetchedAt: 1_000)
        let step = max(Int64(1), lifetime / 500)
        var now: Int64 = 1_000
        while now <= 1_000 + lifetime + 10 {
            defer { now += step }
            for failure in [nil, now - 1] as [Int64?] {
                let action = policy.action(now: now, lastFailure: failure)
                if now >= 1_000 + lifetime { #expect(action == .refreshMandatory || action == .failRemembered) }
                if action == .use || action == .refreshAdvisory { #expect(now < 1_000 + lifetime) }
            }
        }
    }
}
