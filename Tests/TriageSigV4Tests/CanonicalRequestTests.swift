import Testing
import TriageSigV4

/// The canonicalisation rules the suites exercise only in part: wire paths already encoded, query encoding and
/// order, header folding.
@Suite struct CanonicalRequestTests {
    @Test(arguments: [
        // The wire path is encoded again (double encoding for every service but S3): aws-wire.md 5.1.
        (
            "/insights/arn%3Aaws%3Asecurityhub%3A%3A123/a%20b",
            "/insights/arn%253Aaws%253Asecurityhub%253A%253A123/a%2520b"
        ),
        ("", "/"),
        ("/", "/"),
        ("/a/./b/../c//d/", "/a/c/d/"),
        ("/..", "/"),
        ("/findings/batchupdate", "/findings/batchupdate"),
        ("/~user/é", "/~user/%C3%A9"),
    ])
    func canonicalURI(_ path: String, _ expected: String) {
        #expect(CanonicalRequest.canonicalURI(path) == expected)
    }

    @Test func unnormalisedPathsKeepDotSegmentsAndSlashes() {
        #expect(CanonicalRequest.canonicalURI("//a/../b/", options: .init(normalizePath: false)) == "//a/../b/")
    }

    @Test(arguments: [
        ("b=2&a=1", "a=1&b=2"),
        ("a=2&a=1&a=10", "a=1&a=10&a=2"),
        ("flag&x=", "flag=&x="),
        ("a+b=c d", "a%2Bb=c%20d"),
        ("a%2fb=%7e", "a%2Fb=~"),
        ("&&a=1&", "a=1"),
        ("Z=1&a=1", "Z=1&a=1"),
        ("k=a=b", "k=a%3Db"),
        ("", ""),
    ])
    func canonicalQuery(_ query: String, _ expected: String) {
        #expect(CanonicalRequest.canonicalQuery(query) == expected)
    }

    @Test(arguments: [
        ("  a   b  ", "a b"),
        ("\tx\t\ty\n  z", "x y z"),
        ("\"quoted   text\"", "\"quoted text\""),
        ("", ""),
    ])
    func canonicalHeaderValue(_ value: String, _ expected: String) {
        #expect(CanonicalRequest.canonicalHeaderValue(value) == expected)
    }

    @Test func signedHeadersAreLowerCasedSortedAndRepeatsJoined() {
        let request = SigV4Request(
            method: "GET", path: "/",
            headers: [.init("Host", "h"), .init("X-B", " 2 "), .init("x-a", "1"), .init("X-B", "3")])
        let canonical = CanonicalRequest(request: request, signedHeaders: ["X-B", "host", "X-A", "x-b"])
        #expect(canonical.signedHeadersValue == "host;x-a;x-b")
        #expect(canonical.text.contains("\nhost:h\nx-a:1\nx-b:2,3\n\nhost;x-a;x-b\n"))
    }
}
