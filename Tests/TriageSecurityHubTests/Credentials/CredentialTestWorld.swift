import AsyncHTTPClient
import Foundation
import Synchronization
import TriageCore
import TriageSecurityHub
import TriageStandIn

/// A clock the test moves by hand, epoch milliseconds.
final class FakeClock: Sendable {
    private let milliseconds: Mutex<Int64>

    init(_ start: Int64 = 1_796_000_000_000) {
        milliseconds = Mutex(start)
    }

    var now: Int64 { milliseconds.withLock { $0 } }
    func advance(seconds: Double) { milliseconds.withLock { $0 += Int64(seconds * 1000) } }
    var reader: @Sendable () -> Int64 { { self.now } }
    /// `now + seconds` as ISO 8601.
    func iso(after seconds: Int64) -> String { Timestamp.rfc3339(milliseconds: now + seconds * 1000) }
}

/// A temporary home directory, config and credentials files and a fake clock; the machine's own files and
/// instance metadata are never used (`AWS_EC2_METADATA_DISABLED=true` unless a test removes it).
final class CredentialTestWorld: Sendable {
    let root: String
    let clock = FakeClock()
    private let stored: Mutex<[String: String]>

    init() throws {
        root = NSTemporaryDirectory() + "triage-creds-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(
            atPath: root + "/home/.aws/sso/cache", withIntermediateDirectories: true)
        stored = Mutex([
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": root + "/config",
            "AWS_SHARED_CREDENTIALS_FILE": root + "/credentials", "PATH": "/usr/bin:/bin",
            "HOME": root + "/home",
        ])
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var home: String { root + "/home" }

    /// Sets (or with `nil` removes) a variable.
    func set(_ name: String, _ value: String?) { stored.withLock { $0[name] = value } }

    var variables: [String: String] { stored.withLock { $0 } }

    /// Writes `text` to `path` (relative to the root unless absolute), with `mode`.
    @discardableResult
    func write(_ path: String, _ text: String, mode: Int = 0o644) throws -> String {
        let full = path.hasPrefix("/") ? path : root + "/" + path
        // O_CLOEXEC: a process another test starts meanwhile must not inherit the descriptor, or running this
        // file as a program fails with ETXTBSY.
        let descriptor = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else { throw StandInFailure(description: "open \(full): errno \(errno)") }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Foundation.write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw StandInFailure(description: "write \(full): errno \(errno)")
        }
        _ = fchmod(descriptor, mode_t(mode))
        return full
    }

    func environment(profile: String? = nil) -> CredentialEnvironment {
        CredentialEnvironment(
            variables: variables, profile: profile, homeDirectory: home, now: clock.reader, http: HTTPClient.shared)
    }

    /// Resolves the chain on a thread of its own (it blocks on HTTP; the stand-ins run on Swift concurrency).
    func resolve(profile: String? = nil) async throws -> CredentialProvider {
        let environment = environment(profile: profile)
        return try await offloaded { () throws(SecurityHubError) -> CredentialProvider in
            try CredentialProvider.resolve(environment)
        }
    }

    /// The error resolving fails with (nil when it succeeds).
    func resolveError(profile: String? = nil) async -> SecurityHubError? {
        do {
            _ = try await resolve(profile: profile)
            return nil
        } catch let error as SecurityHubError {
            return error
        } catch {
            return SecurityHubError(.retrievalFailed, "unexpected \(error)")
        }
    }
}

/// Runs blocking `work` on a new thread and waits for it without blocking a Swift concurrency thread.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// `current()` of `provider` off the concurrency threads.
func current(_ provider: CredentialProvider) async throws -> AWSCredentials {
    try await offloaded { () throws(SecurityHubError) -> AWSCredentials in try provider.current() }
}

/// An STS `AssumeRole*Response` with the given credentials.
func stsAnswer(
    _ action: String, keyId: String, secret: String, token: String, expiration: String,
    arn: String = "arn:aws:sts::123456789012:assumed-role/triage/sess"
) -> String {
    """
    <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <\(action)Result>
        <Credentials><AccessKeyId>\(keyId)</AccessKeyId><SecretAccessKey>\(secret)</SecretAccessKey>
          <SessionToken>\(token)</SessionToken><Expiration>\(expiration)</Expiration></Credentials>
        <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:sess</AssumedRoleId><Arn>\(arn)</Arn></AssumedRoleUser>
      </\(action)Result>
      <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
    </\(action)Response>
    """
}

/// A container / IMDS style JSON answer.
func metadataAnswer(keyId: String, secret: String, token: String, expiration: String) -> String {
    """
    {"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"\(keyId)","SecretAccessKey":"\(secret)",\
    "Token":"\(token)","Expiration":"\(expiration)"}
    """
}
