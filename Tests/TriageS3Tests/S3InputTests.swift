import Foundation
import Testing
import TriageTestSupport

/// `s3://` inputs of `triage apply` and `triage validate`, against moto's S3 server (slow tier:
/// it starts python).
@Suite(.serialized) struct S3InputTests {
    /// A gzipped and a plain NDJSON input, and a CSV whose key needs encoding, read from S3 give
    /// the report the same local files give.
    @Test func inputsOnS3GiveTheReportOfTheLocalFiles() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        let gzipped = S3RunFixture.samples.appendingPathComponent("decisions.ndjson.gz")
        let plain = try fixture.plainDecisions()
        let csv = S3RunFixture.samples.appendingPathComponent("decisions.csv")
        try fixture.s3.put(gzipped, bucket: "inputs", key: "nightly/decisions.ndjson.gz")
        try fixture.s3.put(plain, bucket: "inputs", key: "nightly/decisions.ndjson")
        try fixture.s3.put(csv, bucket: "inputs", key: "nightly/ünïcode & spaces+plus.csv")
        let cases: [(url: String, local: URL)] = [
            ("s3://inputs/nightly/decisions.ndjson.gz", gzipped), ("s3://inputs/nightly/decisions.ndjson", plain),
            ("s3://inputs/nightly/ünïcode & spaces+plus.csv", csv),
        ]
        for (index, (url, local)) in cases.enumerated() {
            let remoteStore = try fixture.store("remote-\(index).sqlite")
            let localStore = try fixture.store("local-\(index).sqlite")
            let remote = try fixture.s3.triage([
                "apply", url, "--store", remoteStore, "--report", "remote-\(index).json",
            ])
            let direct = try fixture.s3.triage([
                "apply", local.path, "--store", localStore, "--report", "local-\(index).json",
            ])
            #expect(remote.status == 1, "\(url): \(remote.stderr)")  // the samples hold invalid records
            #expect(direct.status == 1)
            let remoteReport = try S3RunFixture.comparable(
                Data(contentsOf: fixture.file("remote-\(index).json")), replacing: [url: local.path])
            let localReport = try S3RunFixture.comparable(Data(contentsOf: fixture.file("local-\(index).json")))
            #expect(remoteReport == localReport, "\(url)")
        }
    }

    /// An input of many ranges (4 KiB ranges here, through `TRIAGE_S3_RANGE_BYTES`) is read whole,
    /// in order, with a ranged GET for each range.
    @Test func anInputOfManyRangesIsReadWhole() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        let plain = try fixture.plainDecisions()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: plain.path)[.size] as? Int)
        try fixture.s3.put(plain, bucket: "inputs", key: "big.ndjson")
        let remote = try fixture.s3.triage(
            [
                "apply", "s3://inputs/big.ndjson", "--store", try fixture.store("remote.sqlite"), "--report",
                "remote.json",
            ],
            environment: ["TRIAGE_S3_RANGE_BYTES": "4096"])
        let direct = try fixture.s3.triage(
            ["apply", plain.path, "--store", try fixture.store("local.sqlite"), "--report", "local.json"])
        #expect(remote.status == 1, "\(remote.stderr)")
        #expect(
            try S3RunFixture.comparable(
                Data(contentsOf: fixture.file("remote.json")), replacing: ["s3://inputs/big.ndjson": plain.path])
                == S3RunFixture.comparable(Data(contentsOf: fixture.file("local.json"))))
        // The catalog's check reads the first range; the run reads every range once more.
        let ranged = fixture.s3.log().components(separatedBy: "GET /inputs/big.ndjson HTTP/1.1\" 206").count - 1
        let ranges = (size + 4095) / 4096
        #expect(size > 20 * 4096)
        #expect(ranged >= ranges && ranged <= ranges + 4, "\(ranged) ranged GETs for \(ranges) ranges")
    }

    /// A missing key or bucket is reported like a missing file: exit status 2, nothing done, and
    /// the message names the URL and S3's code.
    @Test func aMissingObjectIsReportedLikeAMissingFile() throws {
        let fixture = try S3RunFixture()
        defer { fixture.s3.stop() }
        let store = try fixture.store("findings.sqlite")
        let missingFile = try fixture.s3.triage(["apply", "nothere.ndjson", "--store", store])
        let missingKey = try fixture.s3.triage(["apply", "s3://inputs/nothere.ndjson", "--store", store])
        let missingBucket = try fixture.s3.triage(["validate", "s3://no-such-bucket/decisions.ndjson"])
        #expect(missingFile.status == 2)
        #expect(missingKey.status == missingFile.status)
        #expect(missingBucket.status == missingFile.status)
        #expect(missingKey.stderr.contains("s3://inputs/nothere.ndjson: cannot open: S3 answered NoSuchKey (HTTP 404)"))
        #expect(
            missingBucket.stderr.contains(
                "s3://no-such-bucket/decisions.ndjson: cannot open: S3 answered NoSuchBucket (HTTP 404)"))
    }
}
