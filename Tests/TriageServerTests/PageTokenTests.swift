import Crypto
import Testing
import TriageCore

@testable import TriageServer

/// GetFindings' `NextToken`: round trips, and every way a token can be wrong.
@Suite struct PageTokenTests {
    private let codec = PageTokenCodec(key: SymmetricKey(size: .bits256))
    private let query = Array("filters:WorkflowStatus=NEW;sort:UpdatedAt desc".utf8)
    private let cursor: [UInt8] =
        Array("2026-01-01T00:00:00.000Z\u{0}arn:aws:securityhub:x\u{0}id-17".utf8) + [0, 255, 254]

    private func refused(_ token: String, query: [UInt8]? = nil) -> Bool {
        do {
            _ = try codec.cursor(from: token, query: query ?? self.query)
            return false
        } catch {
            #expect(error == .notThisQuery)
            #expect(error.message == "NextToken: is not a token this query returned")
            return true
        }
    }

    @Test(arguments: [0, 1, 2, 3, 31, 32, 33, 1_000])
    func aTokenGivesBackItsCursor(length: Int) throws {
        let cursor = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let token = codec.token(cursor: cursor, query: query)
        #expect(try codec.cursor(from: token, query: query) == cursor)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(token.allSatisfy { alphabet.contains($0) }, "\(token)")
        #expect(codec.token(cursor: cursor, query: query) == token)
    }

    @Test func aTokenOfAnotherQueryIsRefused() {
        let token = codec.token(cursor: cursor, query: query)
        #expect(refused(token, query: query + [0]))
        #expect(refused(token, query: []))
        // The fingerprint's length is authenticated: moving bytes between it and the cursor fails.
        let shifted = codec.token(cursor: Array(cursor.dropFirst()), query: query + [cursor[0]])
        #expect(refused(shifted))
    }

    @Test func aTokenOfAnotherKeyIsRefused() {
        let other = PageTokenCodec(key: SymmetricKey(size: .bits256))
        #expect(refused(other.token(cursor: cursor, query: query)))
    }

    @Test func aForgedTokenIsRefused() {
        let token = codec.token(cursor: cursor, query: query)
        var characters = Array(token)
        characters[3] = characters[3] == "A" ? "B" : "A"
        #expect(refused(String(characters)))
        let forged = Base64URL.encode(Array("another cursor".utf8) + [UInt8](repeating: 0, count: 32))
        #expect(refused(forged))
    }

    @Test func aTruncatedOrExtendedTokenIsRefused() {
        let token = codec.token(cursor: cursor, query: query)
        for cut in [1, 2, 3, 4, 8, token.count - 1] {
            #expect(refused(String(token.dropLast(cut))), "cut \(cut)")
        }
        #expect(refused(String(token.dropFirst(4))))
        #expect(refused(token + "A"))
        #expect(refused(token + "AAAA"))
        #expect(refused(""))
    }

    @Test func aTokenThatIsNotBase64URLIsRefused() {
        let token = codec.token(cursor: cursor, query: query)
        #expect(refused("forged-token"))
        #expect(refused(token + "="))
        #expect(refused(token.replacingAll("-", with: "+").replacingAll("_", with: "/") + "+/"))
        #expect(refused(" " + token))
        #expect(refused("é" + token))
        #expect(refused(String(repeating: "A", count: PageTokenCodec.maxTokenLength + 4)))
    }

    @Test func base64URLMatchesRFC4648() {
        let vectors = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        // One encoding per byte string: unused bits must be zero, padding and 1-mod-4 lengths refused.
        #expect(Base64URL.decode("Zh") == nil)
        #expect(Base64URL.decode("Zg==") == nil)
        #expect(Base64URL.decode("Zm9vY") == nil)
        var generator = SplitMix64(state: 5)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }
}

extension String {
    /// `self` with every `target` character replaced by `replacement`.
    fileprivate func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
