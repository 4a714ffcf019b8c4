import Synchronization
import Testing
import TriageStandIn
import TriageTestSupport

@testable import TriageSecurityHub

/// The provider's refresh against a container stand-in that counts fetches, with a fake clock.
@Suite struct CredentialRefreshTests {
    /// A container endpoint issuing `ASIA<n>` valid for `lifetime` seconds of the clock; fails with 403 while
    /// `failing` is set, answers after `delay`.
    final class CountingEndpoint: Sendable {
        let fetches = Mutex(0)
        let failing = Mutex(false)
        let lifetime: Int64
        let delay: Duration
        let clock: FakeClock

        init(clock: FakeClock, lifetime: Int64, delay: Duration = .zero) {
            self.clock = clock
            self.lifetime = lifetime
            self.delay = delay
        }

        var count: Int { fetches.withLock { $0 } }

        var handler: @Sendable (RecordedRequest) -> StandInReply {
            { _ in
                let number = self.fetches.withLock {
                    $0 += 1; return $0
                }
                if self.failing.withLock({ $0 }) { return StandInReply(403, "{}") }
                return StandInReply(
                    200,
                    metadataAnswer(
                        keyId: "ASIA\(number)", secret: "secret-\(number)", token: "token-\(number)",
                        expiration: self.clock.iso(after: self.lifetime)), delay: self.delay)
            }
        }
    }

    /// How far the readers of ``manyThreadsNeverSeeExpiredCredentials()`` have gone: the clock time at
    /// which each last started a read (`Int64.max` once it has stopped), and whether the clock has made
    /// its last step (the readers stop then).
    final class ReaderProgress: Sendable {
        let lastRead: Mutex<[Int64]>
        let advanced = Atomic<Bool>(false)

        init(readers: Int) {
            lastRead = Mutex([Int64](repeating: 0, count: readers))
        }
    }

    func withProvider(
        lifetime: Int64, delay: Duration = .zero,
        _ body: @Sendable (CredentialProvider, CountingEndpoint, FakeClock) async throws -> Void
    ) async throws {
        let world = try CredentialTestWorld()
        let endpoint = CountingEndpoint(clock: world.clock, lifetime: lifetime, delay: delay)
        try await CredentialStandIn.with(endpoint.handler) { (standIn) async throws in
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", standIn.url + "/creds")
            let provider = try await world.resolve()
            try await body(provider, endpoint, world.clock)
        }
    }

    @Test func longLivedCredentialsAreReusedUntilTheAdvisoryWindow() async throws {
        try await withProvider(lifetime: 3600) { (provider, endpoint, clock) async throws in
            #expect(endpoint.count == 1)
            clock.advance(seconds: 44 * 60)
            #expect(try await current(provider).accessKeyId == "ASIA1")
            #expect(endpoint.count == 1)
            clock.advance(seconds: 61)  // 14:59 left: advisory
            #expect(try await current(provider).accessKeyId == "ASIA2")
            #expect(endpoint.count == 2)
            #expect(try await current(provider).accessKeyId == "ASIA2")
            #expect(endpoint.count == 2)
        }
    }

    @Test func sixtySecondCredentialsAreRefreshedShortlyBeforeExpiryAndNeverUsedExpired() async throws {
        try await withProvider(lifetime: 60) { (provider, endpoint, clock) async throws in
            var used: [String: (first: Int64, last: Int64, expiration: Int64)] = [:]
            for _ in 0..<600 {
                let credentials = try await current(provider)
                let expiration = try #require(credentials.expiration)
                #expect(expiration > clock.now, "handed out expired credentials")
                let seen = used[credentials.accessKeyId]
                used[credentials.accessKeyId] = (seen?.first ?? clock.now, clock.now, expiration)
                clock.advance(seconds: 1)
            }
            // Each set is used for 45 of its 60 seconds (refreshed at the advisory window, 15 s before expiry).
            #expect(endpoint.count == used.count)
            #expect((13...14).contains(used.count))
            for (_, life) in used where life.last + 1_000 < clock.now {
                #expect(life.last - life.first >= 44_000)
                #expect(life.expiration - life.last >= 15_000)
            }
        }
    }

    @Test func aFailedAdvisoryRefreshKeepsTheOldCredentialsAndWaitsTheGap() async throws {
        try await withProvider(lifetime: 60) { (provider, endpoint, clock) async throws in
            endpoint.failing.withLock { $0 = true }
            clock.advance(seconds: 46)  // advisory window (14 s left)
            #expect(try await current(provider).accessKeyId == "ASIA1")
            #expect(endpoint.count == 2)
            clock.advance(seconds: 0.5)  // within the 1 s retry gap: no new attempt
            #expect(try await current(provider).accessKeyId == "ASIA1")
            #expect(endpoint.count == 2)
            clock.advance(seconds: 0.6)
            #expect(try await current(provider).accessKeyId == "ASIA1")
            #expect(endpoint.count == 3)
            clock.advance(seconds: 5)  // mandatory window (about 7.9 s left): tried again, still the old ones
            #expect(try await current(provider).accessKeyId == "ASIA1")
            #expect(endpoint.count == 4)
            #expect(try await current(provider).accessKeyId == "ASIA1")  // within the gap: not re-fetched
            #expect(endpoint.count == 4)
            endpoint.failing.withLock { $0 = false }
            clock.advance(seconds: 1)
            #expect(try await current(provider).accessKeyId == "ASIA5")
        }
    }

    @Test func expiredCredentialsAreNeverHandedOut() async throws {
        try await withProvider(lifetime: 60) { (provider, endpoint, clock) async throws in
            endpoint.failing.withLock { $0 = true }
            clock.advance(seconds: 61)
            let error = await #expect(throws: SecurityHubError.self) { try await current(provider) }
            #expect(error?.message.contains("refreshing AWS credentials from container") == true)
            #expect(!(error?.message.contains("secret-1") ?? true))
        }
    }

    @Test func inTheAdvisoryWindowOneCallerRefreshesWhileTheOthersGoOn() async throws {
        try await withProvider(lifetime: 3600, delay: .seconds(1)) { (provider, endpoint, clock) async throws in
            clock.advance(seconds: 46 * 60)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 { group.addTask { try await current(provider).accessKeyId } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // One refresh (the endpoint answers after 1 s); its caller got the new credentials, and
            // callers that found it running went on with the current ones instead of waiting for it
            // (a caller that waited would have got the new ones too). Told by the keys, not by
            // durations: on a loaded machine every call may take a second.
            #expect(endpoint.count == 2)
            #expect(keys.contains("ASIA2"), "\(keys)")
            #expect(keys.contains("ASIA1"), "every caller waited for the refresh: \(keys)")
        }
    }

    @Test func inTheMandatoryWindowEveryCallerWaitsForOneRefresh() async throws {
        try await withProvider(lifetime: 3600, delay: .milliseconds(200)) { (provider, endpoint, clock) async throws in
            clock.advance(seconds: 55 * 60)
            let keys = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 { group.addTask { try await current(provider).accessKeyId } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(endpoint.count == 2)
            #expect(keys == Array(repeating: "ASIA2", count: 6))
        }
    }

    @Test func manyThreadsNeverSeeExpiredCredentials() async throws {
        try await withProvider(lifetime: 60) { (provider, endpoint, clock) async throws in
            let readers = 4
            let progress = ReaderProgress(readers: readers)
            let expiredHandedOut = try await withThrowingTaskGroup(of: Int.self) { group in
                for reader in 0..<readers {
                    group.addTask {
                        try await offloaded {
                            defer { progress.lastRead.withLock { $0[reader] = .max } }
                            var expired = 0
                            while !progress.advanced.load(ordering: .acquiring) {
                                let now = clock.now
                                progress.lastRead.withLock { $0[reader] = max($0[reader], now) }
                                let credentials = try provider.current()
                                if (credentials.expiration ?? 0) <= now { expired += 1 }
                            }
                            return expired
                        }
                    }
                }
                group.addTask {
                    try await offloaded {
                        // One second at a time, each once every reader has read at the one before (a refresh
                        // a reader waits for included): the readers run through every second of 120.
                        func readersReadNow() {
                            let now = clock.now
                            _ = ProcessProbe.waitUntil(interval: 0.0002) {
                                progress.lastRead.withLock { $0.allSatisfy { $0 >= now } }
                            }
                        }
                        for _ in 0..<120 {
                            readersReadNow()
                            clock.advance(seconds: 1)
                        }
                        readersReadNow()
                        progress.advanced.store(true, ordering: .releasing)
                        return 0
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(expiredHandedOut == 0)
            #expect(endpoint.count <= 1 + 120 / 45 + 2)
        }
    }

    @Test func aFailedAdvisoryRefreshThatEndsInTheMandatoryWindowKeepsTheCredentials() async throws {
        let world = try CredentialTestWorld()
        let fetches = Mutex(0)
        let handler: @Sendable (RecordedRequest) -> StandInReply = { _ in
            if fetches.withLock({
                $0 += 1; return $0
            }) == 1 {
                return StandInReply(
                    200, metadataAnswer(keyId: "ASIA1", secret: "s", token: "t", expiration: world.clock.iso(after: 60))
                )
            }
            world.clock.advance(seconds: 6)  // a slow answer: 14 s were left when it started, 8 s when it ends
            return StandInReply(403, "{}")
        }
        try await CredentialStandIn.with(handler) { (standIn) async throws in
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", standIn.url + "/creds")
            let provider = try await world.resolve()
            world.clock.advance(seconds: 46)
            #expect(try await current(provider).accessKeyId == "ASIA1")
        }
    }

    @Test func aFailedRefreshThatOutlivesTheCredentialsThrows() async throws {
        let world = try CredentialTestWorld()
        let fetches = Mutex(0)
        let handler: @Sendable (RecordedRequest) -> StandInReply = { _ in
            if fetches.withLock({
                $0 += 1; return $0
            }) == 1 {
                return StandInReply(
                    200, metadataAnswer(keyId: "ASIA1", secret: "s", token: "t", expiration: world.clock.iso(after: 60))
                )
            }
            world.clock.advance(seconds: 20)  // a slow answer: 14 s were left when it started, none when it ends
            return StandInReply(403, "{}")
        }
        try await CredentialStandIn.with(handler) { (standIn) async throws in
            world.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", standIn.url + "/creds")
            let provider = try await world.resolve()
            world.clock.advance(seconds: 46)
            let error = await #expect(throws: SecurityHubError.self) { try await current(provider) }
            #expect(error?.code == .expired)
            #expect(error?.message.contains("expired at") == true)
        }
    }
}
