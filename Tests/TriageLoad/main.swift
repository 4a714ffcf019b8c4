// triage-load: the load generator of `jobs/bench-serve`. Signs every request with TriageSigV4 (as
// botocore would) and sends it over keep-alive connections to a `triage serve` on 127.0.0.1, one
// thread per connection, for a fixed time; prints the rate and the latency percentiles.
//
//   TriageLoad PORT OPERATION CONNECTIONS SECONDS FINDINGS
//   OPERATION: update (BatchUpdateFindings of 100 findings of the synthetic store), get-indexed
//   (GetFindings pages on AwsAccountId, an indexed filter), get-scan (GetFindings on Title
//   CONTAINS, a scanning filter).
//
// serve keeps Regions apart (a request signed for R sees and updates only R's findings), so every
// request is signed for the Region of the findings it names: an update names 100 findings of one
// Region (the Region of a finding drawn from the whole store, so Regions come up as often as they
// hold findings), and each GetFindings connection pages one Region's findings (connection i the
// i-th Region).
import Foundation
import Synchronization
import TriageCore
import TriageIO
import TriageSigV4
import TriageTestSupport

let arguments = CommandLine.arguments
guard arguments.count == 6, let port = Int(arguments[1]), let connections = Int(arguments[3]),
    let seconds = Double(arguments[4]), let findingCount = Int(arguments[5]),
    ["update", "get-indexed", "get-scan"].contains(arguments[2])
else {
    FileHandle.standardError.write(
        Data("usage: TriageLoad PORT update|get-indexed|get-scan CONNECTIONS SECONDS FINDINGS\n".utf8))
    exit(2)
}
let operation = arguments[2]
let synthetic = SyntheticData(seed: 1, findingCount: findingCount)
/// The Regions of the synthetic findings (their ProductArns'), in order of first appearance; each
/// Region's findings (indexes into the store); and, for updates, each finding's Region (an index
/// into the names). Made once before the clock starts, so that the generator spends its time on the
/// wire and not on finding a Region's findings.
let (regionNames, regionFindings, findingRegion) = {
    var names: [String] = []
    var findings: [[Int32]] = []
    var regions: [UInt8] = []
    for index in 0..<(operation == "update" ? findingCount : min(findingCount, 1000)) {
        let region = ProviderFinding.region(ofProductArn: synthetic.identifier(index).productArn)
        let slot: Int
        if let known = names.firstIndex(of: region) {
            slot = known
        } else {
            slot = names.count
            names.append(region)
            findings.append([])
        }
        if operation == "update" {
            findings[slot].append(Int32(index))
            regions.append(UInt8(slot))
        }
    }
    return (names, findings, regions)
}()
let updates = [
    #""Workflow":{"Status":"NOTIFIED"}"#, #""Note":{"Text":"load test","UpdatedBy":"bench-serve"}"#,
    #""Severity":{"Label":"HIGH"}"#, #""UserDefinedFields":{"bench":"serve"}"#,
]
let filters = [
    "get-indexed": #"{"AwsAccountId":[{"Value":"111111111111","Comparison":"EQUALS"}]}"#,
    "get-scan": #"{"Title":[{"Value":"MFA","Comparison":"CONTAINS"}]}"#,
]

/// Byte searches on answers.
enum Bytes {
    /// Where `needle` first starts in `bytes`.
    static func firstOffset(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = bytes.startIndex
        while index <= bytes.endIndex - needle.count {
            if bytes[index] == needle[0] && bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// How often `needle` occurs in `bytes` (not overlapping).
    static func occurrences(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        var rest = bytes
        while let offset = firstOffset(of: needle, in: rest) {
            count += 1
            rest = rest[(offset + needle.count)...]
        }
        return count
    }
}

/// What one connection measured.
struct Tally: Sendable {
    var latencies: [Double] = []
    var findings = 0
    var failures: [Int: Int] = [:]
}

let results = Mutex<[Tally]>([])
let deadline = Date().addingTimeInterval(seconds)
let group = DispatchGroup()
for worker in 0..<connections {
    group.enter()
    Thread.detachNewThread {
        var tally = Tally()
        defer {
            results.withLock { $0.append(tally) }
            group.leave()
        }
        guard var connection = try? HTTPConnection(port: port) else { return }
        var generator = UInt64(worker + 1) &* 0x9E37_79B9_7F4A_7C15
        var nextToken: String?
        var pages = 0
        // A GetFindings connection pages one Region's findings.
        var region = regionNames[worker % regionNames.count]
        while Date() < deadline {
            let path: String
            let method: String
            var body = "{"
            if operation == "update" {
                method = "PATCH"
                path = "/findings/batchupdate"
                generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let slot = Int(findingRegion[Int((generator >> 33) % UInt64(findingCount))])
                region = regionNames[slot]
                let candidates = regionFindings[slot]
                var identifiers: [String] = []
                for _ in 0..<100 {
                    generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let identifier = synthetic.identifier(
                        Int(candidates[Int((generator >> 33) % UInt64(candidates.count))]))
                    var item: [UInt8] = []
                    JSONText.appendString(identifier.id, to: &item)
                    var product: [UInt8] = []
                    JSONText.appendString(identifier.productArn, to: &product)
                    identifiers.append(
                        #"{"Id":\#(String(decoding: item, as: UTF8.self)),"ProductArn":\#(String(decoding: product, as: UTF8.self))}"#
                    )
                }
                body += #""FindingIdentifiers":[\#(identifiers.joined(separator: ","))],"#
                body += updates[Int(generator % UInt64(updates.count))] + "}"
            } else {
                method = "POST"
                path = "/findings"
                body += #""Filters":\#(filters[operation]!),"MaxResults":100"#
                if let nextToken { body += #","NextToken":"\#(nextToken)""# }
                body += "}"
            }
            let request = HTTPRequestBytes.signed(
                method: method, path: path, port: port, body: Array(body.utf8), region: region, keepAlive: true)
            let started = DispatchTime.now().uptimeNanoseconds
            guard connection.send(request), let answer = connection.readAnswer() else {
                tally.failures[0, default: 0] += 1
                guard let fresh = try? HTTPConnection(port: port) else { return }
                connection = fresh
                continue
            }
            tally.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            guard answer.status == 200 else {
                tally.failures[answer.status, default: 0] += 1
                continue
            }
            if operation == "update" {
                // Processed findings: the identifiers before "UnprocessedFindings".
                let body = answer.body
                let split = Bytes.firstOffset(of: Array(#""UnprocessedFindings""#.utf8), in: body[...]) ?? body.count
                tally.findings += Bytes.occurrences(of: Array(#""ProductArn""#.utf8), in: body[..<split])
            } else {
                tally.findings += Bytes.occurrences(of: Array(#""SchemaVersion""#.utf8), in: answer.body[...])
                pages += 1
                // The token is the body's last member: look for it near the end only.
                let tail = answer.body[max(0, answer.body.count - 8192)...]
                let marker = Array(#""NextToken":""#.utf8)
                if pages < 50, let start = Bytes.firstOffset(of: marker, in: tail),
                    let end = tail[(start + marker.count)...].firstIndex(of: UInt8(ascii: "\""))
                {
                    nextToken = String(decoding: tail[(start + marker.count)..<end], as: UTF8.self)
                } else {
                    nextToken = nil
                    pages = 0
                }
            }
        }
    }
}
group.wait()
let all = results.withLock { $0 }
let latencies = all.flatMap(\.latencies).sorted()
let findings = all.reduce(0) { $0 + $1.findings }
var failures: [Int: Int] = [:]
for tally in all { failures.merge(tally.failures, uniquingKeysWith: +) }
func percentile(_ share: Double) -> Double {
    latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * share))]
}
let ok = latencies.count - failures.filter { $0.key != 0 }.values.reduce(0, +)
print(
    String(
        format: "%@ connections=%d requests=%d ok=%d %.1f req/s %.0f findings/s p50=%.1fms p99=%.1fms failures=%@",
        operation, connections, latencies.count, ok, Double(ok) / seconds, Double(findings) / seconds,
        percentile(0.5), percentile(0.99), failures.isEmpty ? "none" : "\(failures)"))
