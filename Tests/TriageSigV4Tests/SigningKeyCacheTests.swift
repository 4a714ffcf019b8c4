import Testing
import TriageSigV4

/// The signing-key cache: same key as a fresh derivation, rotation, capacity, concurrent use.
@Suite struct SigningKeyCacheTests {
    static let scope = CredentialScope(date: "20150830", region: "us-east-1", service: "service")
    static let stringToSign = "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nabc"

    @Test func cachedKeySignsLikeAFreshOne() {
        let cache = SigningKeyCache()
        let fresh = SigningKey(secretAccessKey: "secret", scope: Self.scope).signature(of: Self.stringToSign)
        for _ in 0..<3 {
            let key = cache.key(accessKeyId: "AKID", secretAccessKey: "secret", scope: Self.scope)
            #expect(key.signature(of: Self.stringToSign) == fresh)
        }
        #expect(cache.count == 1)
    }

    @Test func aRotatedSecretDerivesANewKey() {
        let cache = SigningKeyCache()
        let old = cache.key(accessKeyId: "AKID", secretAccessKey: "old", scope: Self.scope)
        let new = cache.key(accessKeyId: "AKID", secretAccessKey: "new", scope: Self.scope)
        #expect(old.signature(of: Self.stringToSign) != new.signature(of: Self.stringToSign))
        #expect(
            new.signature(of: Self.stringToSign)
                == SigningKey(secretAccessKey: "new", scope: Self.scope).signature(of: Self.stringToSign))
    }

    @Test func oneEntryPerKeyDateRegionAndService() {
        let cache = SigningKeyCache()
        for date in ["20150830", "20150831"] {
            for region in ["us-east-1", "eu-west-1"] {
                for service in ["service", "securityhub"] {
                    _ = cache.key(
                        accessKeyId: "AKID", secretAccessKey: "s",
                        scope: CredentialScope(date: date, region: region, service: service))
                }
            }
        }
        _ = cache.key(accessKeyId: "OTHER", secretAccessKey: "s", scope: Self.scope)
        #expect(cache.count == 9)
    }

    @Test func staysWithinCapacity() {
        let cache = SigningKeyCache(capacity: 4)
        for index in 0..<10 {
            _ = cache.key(accessKeyId: "AKID\(index)", secretAccessKey: "s", scope: Self.scope)
            #expect(cache.count <= 4)
        }
    }

    @Test func concurrentUseAgrees() async {
        let cache = SigningKeyCache(capacity: 8)
        let expected = (0..<16).map {
            SigningKey(secretAccessKey: "s\($0)", scope: Self.scope).signature(of: Self.stringToSign)
        }
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<64 {
                group.addTask {
                    let index = task % 16
                    let key = cache.key(accessKeyId: "AKID\(index)", secretAccessKey: "s\(index)", scope: Self.scope)
                    return key.signature(of: Self.stringToSign) == expected[index]
                }
            }
            for await agrees in group { #expect(agrees) }
        }
    }
}
