import Testing

@testable import TriageSecurityHub

@Suite struct CredentialURLTests {
    @Test func partsAreRead() throws {
        let url = try #require(CredentialURL("HTTP://User@127.0.0.1:8080/v1/creds?id=7#frag"))
        #expect(url.scheme == "http")
        #expect(url.host == "127.0.0.1")
        #expect(url.port == 8080)
        #expect(url.target == "/v1/creds?id=7")
        #expect(url.hostHeader == "127.0.0.1:8080")
        #expect(url.origin == "http://127.0.0.1:8080")
        let v6 = try #require(CredentialURL("http://[FD00:EC2::23]/x"))
        #expect(v6.host == "fd00:ec2::23")
        #expect(v6.hostHeader == "[fd00:ec2::23]")
        let https = try #require(CredentialURL("https://sts.amazonaws.com:443"))
        #expect(https.hostHeader == "sts.amazonaws.com")
        #expect(https.target == "/")
        #expect(CredentialURL("https://sts.amazonaws.com?x=1")?.target == "/?x=1")
    }

    @Test(arguments: ["127.0.0.1", "ftp://host/", "http://", "http://host:0/", "http://host:70000/", "http://[::1/"])
    func badURLsAreRefused(text: String) {
        #expect(CredentialURL(text) == nil)
    }
}
