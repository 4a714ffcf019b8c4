import Foundation
import TriageTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// moto's S3 server (`python3 -m moto.server`, from PyPI: `jobs/ensure-deps`) on a free port of
/// 127.0.0.1, in a temporary directory, for the `s3://` tests; boto3 (not the code under test)
/// creates buckets and reads and writes objects. Started per test, stopped by ``stop()``.
final class LocalS3: @unchecked Sendable {
    /// The server's port.
    let port: Int
    /// The test's directory: the server's log, the runs' files, `HOME` and `TMPDIR` of the runs.
    let directory: URL
    private let process: Process

    /// `http://127.0.0.1:PORT`.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts the server and waits (up to 60 s) until it accepts connections. moto's least part
    /// size is 1 byte here, so that multipart uploads are tested with small files.
    init() throws {
        directory = TestPaths.temporaryDirectory("triage-s3")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        port = try LoopbackPort.unused()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", "\(port)"]
        process.environment = ProcessInfo.processInfo.environment.merging(["S3_UPLOAD_PART_MIN_SIZE": "1"]) { $1 }
        let log = directory.appendingPathComponent("moto.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !Self.accepts(port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw Failure("moto did not start: \(self.log(tail: 2000))")
            }
            usleep(50_000)
        }
    }

    /// An error of this helper.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Stops the server and removes the directory.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            _ = process.waitForExit(seconds: 10)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The end of the server's log (its request lines).
    func log(tail: Int = 1 << 30) -> String {
        let text = String(
            decoding: ResumeJournalFile.bytes(directory.appendingPathComponent("moto.log").path), as: UTF8.self)
        return String(text.suffix(tail))
    }

    /// A run's environment: credentials for moto (it does not check them), the endpoint, us-east-1,
    /// `HOME` and `TMPDIR` in the test's directory (no shared files of this machine), and `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path, "TMPDIR": directory.appendingPathComponent("tmp").path,
            "AWS_ACCESS_KEY_ID": "AKIDTRIAGETEST", "AWS_SECRET_ACCESS_KEY": "triage-test-secret",
            "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": endpoint, "AWS_EC2_METADATA_DISABLED": "true",
        ].merging(extra) { $1 }
    }

    /// Runs `triage ARGUMENTS` in the test's directory with ``environment(_:)``.
    func triage(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CommandRun {
        try CommandRun.run(
            TestPaths.triageBinary, arguments, directory: directory, wholeEnvironment: environment(extra))
    }

    /// Runs a Python script with boto3's S3 client as `s3` (pointed at the server); its stdout.
    @discardableResult
    func python(_ script: String) throws -> String {
        let prelude =
            "import boto3, sys\ns3 = boto3.client('s3', endpoint_url='\(endpoint)', region_name='us-east-1')\n"
        let run = try CommandRun.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", prelude + script], directory: directory,
            wholeEnvironment: environment())
        guard run.status == 0 else { throw Failure("python failed (\(run.status)): \(run.stderr)") }
        return run.stdout
    }

    /// Creates bucket `name`.
    func createBucket(_ name: String) throws {
        try python("s3.create_bucket(Bucket='\(name)')")
    }

    /// Uploads the file at `file` as `s3://bucket/key`; returns its ETag.
    @discardableResult
    func put(_ file: URL, bucket: String, key: String) throws -> String {
        try python(
            "s3.upload_file('\(file.path)', '\(bucket)', '''\(key)''')\n"
                + "print(s3.head_object(Bucket='\(bucket)', Key='''\(key)''')['ETag'])"
        ).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The object `s3://bucket/key` as bytes, nil when there is none.
    func get(bucket: String, key: String) throws -> Data? {
        let file = directory.appendingPathComponent("download-\(UUID().uuidString)")
        let found = try python(
            """
            try:
                s3.download_file('\(bucket)', '''\(key)''', '\(file.path)')
                print('yes')
            except Exception as error:
                print('no', error)
            """)
        guard found.hasPrefix("yes") else { return nil }
        defer { try? FileManager.default.removeItem(at: file) }
        return try Data(contentsOf: file)
    }

    /// The ETag of `s3://bucket/key`.
    func entityTag(bucket: String, key: String) throws -> String {
        try python("print(s3.head_object(Bucket='\(bucket)', Key='''\(key)''')['ETag'])")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether something accepts connections on `port` of 127.0.0.1.
    private static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
