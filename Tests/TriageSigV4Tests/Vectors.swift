import Foundation
import Testing
import TriageSigV4
import TriageTestSupport

/// The parameters every vector of both suites shares.
enum Vectors {
    static let accessKeyId = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let region = "us-east-1"
    static let service = "service"
    static let date = SigningDate(amzDate: "20150830T123600Z")!
    static let stsToken: String = {
        let readme = try! String(
            contentsOf: TestPaths.testData("sigv4/post-sts-token/readme.txt"), encoding: .utf8)
        return readme.split(separator: "\n").last { $0.hasPrefix("AQoDYXdzEPT") }.map(String.init)!
    }()
    static let vanillaToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"

    static func text(_ url: URL) -> String {
        String(decoding: try! Data(contentsOf: url), as: UTF8.self)
    }

    static func verifier(secret: String = secret, token: String?, normalizePath: Bool = true) -> SigV4Verifier {
        SigV4Verifier(
            region: region, service: service, options: .init(normalizePath: normalizePath),
            lookup: { accessKeyId in
                accessKeyId == Vectors.accessKeyId ? VerificationKey(secretAccessKey: secret, sessionToken: token) : nil
            })
    }

    /// The request with one more byte at the end of the path.
    static func tampered(_ request: SigV4Request) -> SigV4Request {
        var copy = request
        copy.path += "x"
        return copy
    }
}

/// One case folder of `sigv4/` (the botocore copy of the classic suite).
struct ClassicCase: Sendable, CustomTestStringConvertible {
    let name: String
    let folder: URL
    var testDescription: String { name }

    func file(_ suffix: String) -> URL { folder.appendingPathComponent("\(name).\(suffix)") }

    /// Every folder holding `NAME/NAME.req`, nested groups included.
    static let all: [ClassicCase] = {
        let root = TestPaths.testData("sigv4")
        var cases: [ClassicCase] = []
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "req" {
            let folder = url.deletingLastPathComponent()
            if url.deletingPathExtension().lastPathComponent == folder.lastPathComponent {
                cases.append(ClassicCase(name: folder.lastPathComponent, folder: folder))
            }
        }
        return cases.sorted { $0.name < $1.name }
    }()
}

/// One case folder of `sigv4-aws-c-auth/v4/`.
struct CAuthCase: Sendable, CustomTestStringConvertible {
    struct Context: Decodable, Sendable {
        struct Credentials: Decodable, Sendable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var expiration_in_seconds: Int64
        var normalize: Bool
        var region: String
        var service: String
        var sign_body: Bool
        var timestamp: String
        var omit_session_token: Bool?
    }

    let name: String
    let folder: URL
    var testDescription: String { name }

    func text(_ file: String) -> String { Vectors.text(folder.appendingPathComponent(file)) }

    var context: Context {
        try! JSONDecoder().decode(Context.self, from: Data(contentsOf: folder.appendingPathComponent("context.json")))
    }

    var request: SigV4Request {
        VectorRequest.parse(try! Data(contentsOf: folder.appendingPathComponent("request.txt")))
    }

    var signer: SigV4Signer {
        let context = self.context
        return SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyId: context.credentials.access_key_id, secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token),
            region: context.region, service: context.service, options: .init(normalizePath: context.normalize),
            signsBodyHashHeader: context.sign_body, omitsSessionTokenFromSignature: context.omit_session_token ?? false)
    }

    /// `2015-08-30T12:36:00Z` as a signing date.
    var date: SigningDate {
        let compact = context.timestamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return SigningDate(amzDate: compact)!
    }

    static let all: [CAuthCase] = {
        let root = TestPaths.testData("sigv4-aws-c-auth/v4")
        let names = try! FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return names.map { CAuthCase(name: $0, folder: root.appendingPathComponent($0)) }
    }()
}
