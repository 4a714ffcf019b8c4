import Foundation
import GRDB
import Synchronization
import Testing
import TriageCore
import TriageIO
import TriageStore
import TriageTestSupport

@testable import TriageServer

/// Many clients at once on a store of 100,000 findings — updates, imports and paging GetFindings
/// together — then: no request failed, paging returned every finding exactly once, the final
/// store equals the accepted requests applied one by one in the order the server committed them
/// (its log's `commit=`), and SQLite's integrity check is ok.
@Suite struct ServeConcurrencyTests {
    static let findingCount = 100_000
    static let updateBodies = [
        #""Workflow":{"Status":"NOTIFIED"}"#, #""Workflow":{"Status":"RESOLVED"},"VerificationState":"TRUE_POSITIVE""#,
        #""Severity":{"Label":"CRITICAL"},"Confidence":0"#, #""UserDefinedFields":{"ticket":"SEC-1","owner":"a"}"#,
        #""UserDefinedFields":{"owner":"b"},"Criticality":90"#,
        #""Types":["Software and Configuration Checks/Vulnerabilities/CVE"]"#,
    ]

    /// A recorded write: its request id, operation and body.
    struct Write: Sendable {
        var requestId: String
        var operation: ServeOperation
        var body: [UInt8]
    }

    @Test(.timeLimit(.minutes(10))) func manyClientsAtOnceLeaveTheStoreAsTheCommitOrderSays() throws {
        let scratch = ScratchDirectory("triage-serve-concurrency")
        let directory = scratch.url
        defer { withExtendedLifetime(scratch) {} }
        let findingsFile = directory.appendingPathComponent("findings.ndjson.gz").path
        let storePath = directory.appendingPathComponent("store.sqlite").path
        let initialPath = directory.appendingPathComponent("initial.sqlite").path
        let generated = try CommandRun.triage([
            "generate", "--findings", String(Self.findingCount), "--findings-output", findingsFile, "--gzip-level", "1",
        ])
        #expect(generated.status == 0, "\(generated.stderr)")
        let imported = try CommandRun.triage(["import", findingsFile, "--store", storePath])
        #expect(imported.status == 0, "\(imported.stderr)")
        try FileManager.default.copyItem(atPath: storePath, toPath: initialPath)

        // Updates and pages signed for us-east-1 reach every Region through an aggregator; imports
        // are signed for their findings' Region, as Security Hub takes them.
        let server = try ServeProcess(
            config: ServeProcess.syntheticConfig(aggregator: ServeProcess.allRegionsAggregator), store: storePath)
        let port = server.port
        let recorder = Recorder()
        let synthetic = SyntheticData(seed: 1, findingCount: Self.findingCount)
        let fresh = SyntheticData(seed: 99, findingCount: Self.findingCount)
        let group = DispatchGroup()

        @Sendable func send(
            _ connection: HTTPConnection, _ method: String, _ path: String, _ body: [UInt8],
            region: String = "us-east-1"
        ) -> HTTPAnswer? {
            let request = HTTPRequestBytes.signed(
                method: method, path: path, port: port, body: body, region: region, keepAlive: true)
            guard connection.send(request), let answer = connection.readAnswer() else {
                recorder.failures.withLock { $0.append("\(path): no answer") }
                return nil
            }
            if answer.status != 200 {
                recorder.failures.withLock { $0.append("\(path): \(answer.status) \(answer.text)") }
            }
            return answer
        }

        for worker in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? HTTPConnection(port: port) else { return }
                var state = UInt64(worker + 1) &* 0x9E37_79B9_7F4A_7C15
                for round in 0..<40 {
                    var identifiers: [String] = []
                    for _ in 0..<100 {
                        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        // A small range, so that the workers update the same findings.
                        let identifier = synthetic.identifier(Int((state >> 33) % 2_000))
                        identifiers.append(Self.identifierJSON(identifier))
                    }
                    let update = Self.updateBodies[(worker + round) % Self.updateBodies.count]
                    let body = Array(
                        #"{"FindingIdentifiers":[\#(identifiers.joined(separator: ","))],\#(update)}"#.utf8)
                    if let answer = send(connection, "PATCH", "/findings/batchupdate", body), answer.status == 200 {
                        let id = answer.headers["x-amzn-requestid"] ?? ""
                        recorder.writes.withLock {
                            $0.append(Write(requestId: id, operation: .batchUpdateFindings, body: body))
                        }
                    }
                }
            }
        }
        for worker in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? HTTPConnection(port: port) else { return }
                for round in 0..<20 {
                    var byRegion: [String: [String]] = [:]
                    for index in 0..<50 {
                        let number = worker * 10_000 + round * 50 + index
                        let region = ProviderFinding.region(ofProductArn: fresh.identifier(number).productArn)
                        byRegion[region, default: []].append(String(decoding: fresh.findingJSON(number), as: UTF8.self))
                    }
                    for (region, documents) in byRegion.sorted(by: { $0.key < $1.key }) {
                        let body = Array(#"{"Findings":[\#(documents.joined(separator: ","))]}"#.utf8)
                        guard let answer = send(connection, "POST", "/findings/import", body, region: region),
                            answer.status == 200
                        else { continue }
                        if !answer.text.contains(#""FailedCount":0"#) {
                            recorder.failures.withLock { $0.append("import: \(answer.text.prefix(300))") }
                        }
                        let id = answer.headers["x-amzn-requestid"] ?? ""
                        recorder.writes.withLock {
                            $0.append(Write(requestId: id, operation: .batchImportFindings, body: body))
                        }
                    }
                }
            }
        }
        for _ in 0..<2 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? HTTPConnection(port: port) else { return }
                var ids: [String] = []
                var token: String?
                repeat {
                    var body = #"{"MaxResults":100"#
                    if let token { body += #","NextToken":"\#(token)""# }
                    body += "}"
                    guard let answer = send(connection, "POST", "/findings", Array(body.utf8)), answer.status == 200,
                        let page = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
                        let findings = page["Findings"] as? [[String: Any]]
                    else { break }
                    ids += findings.compactMap { $0["Id"] as? String }
                    token = page["NextToken"] as? String
                } while token != nil
                recorder.pagedIds.withLock { $0.append(ids) }
            }
        }
        group.wait()
        #expect(server.stop() == 0)
        #expect(recorder.failures.withLock { $0 }.isEmpty, "\(recorder.failures.withLock { $0.prefix(5) })")

        // Paging: every finding of the initial store exactly once; an imported one at most once.
        let initialIds = Set((0..<Self.findingCount).map { synthetic.identifier($0).id })
        for ids in recorder.pagedIds.withLock({ $0 }) {
            var counts: [String: Int] = [:]
            for id in ids { counts[id, default: 0] += 1 }
            #expect(counts.values.allSatisfy { $0 == 1 }, "a finding was returned twice")
            #expect(
                initialIds.isSubset(of: counts.keys), "\(initialIds.subtracting(counts.keys).count) findings missing")
        }
        #expect(recorder.pagedIds.withLock { $0.count } == 2)

        // Replay the accepted writes in commit order on the initial store.
        var commits: [String: Int] = [:]
        for line in server.log.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2, let commitField = fields.first(where: { $0.hasPrefix("commit=") }),
                let commit = Int(commitField.dropFirst("commit=".count))
            else { continue }
            commits[String(fields[1])] = commit
        }
        let accepted = recorder.writes.withLock { $0 }
        // One import request per Region of each round's 50 findings.
        var importRequests = 0
        for worker in 0..<2 {
            for round in 0..<20 {
                var regions = Set<String>()
                for index in 0..<50 {
                    let productArn = fresh.identifier(worker * 10_000 + round * 50 + index).productArn
                    regions.insert(ProviderFinding.region(ofProductArn: productArn))
                }
                importRequests += regions.count
            }
        }
        #expect(accepted.count == 4 * 40 + importRequests)
        #expect(accepted.allSatisfy { commits[$0.requestId] != nil }, "a write without a commit number in the log")
        #expect(Set(accepted.compactMap { commits[$0.requestId] }).count == accepted.count, "commit numbers repeat")
        let replay = try FindingsStore(path: initialPath)
        for write in accepted.sorted(by: { commits[$0.requestId, default: 0] < commits[$1.requestId, default: 0] }) {
            switch write.operation {
            case .batchUpdateFindings:
                let request = try BatchUpdateFindingsOperation.decode(write.body)
                _ = try replay.applyRequest(
                    identifiers: request.identifiers, update: request.update, now: "2026-12-01T00:00:00.000Z",
                    updatableAccounts: nil)
            case .batchImportFindings:
                _ = try replay.importRequest(
                    findings: try BatchImportFindingsOperation.decode(write.body), importableAccounts: nil)
            default:
                break
            }
        }
        var replayed: [[UInt8]] = []
        try replay.exportAll { replayed.append($0) }
        var served: [[UInt8]] = []
        try FindingsStore(path: storePath, options: Self.readOnly).exportAll { served.append($0) }
        #expect(served.count == Self.findingCount + 2 * 20 * 50)
        #expect(served == replayed, "the store differs from the writes replayed in commit order")

        let integrity = try DatabaseQueue(path: storePath).read { db in
            try String.fetchOne(db, sql: "PRAGMA integrity_check")
        }
        #expect(integrity == "ok")
    }

    /// What the client threads record.
    final class Recorder: Sendable {
        let writes = Mutex<[Write]>([])
        let failures = Mutex<[String]>([])
        let pagedIds = Mutex<[[String]]>([])
    }

    static var readOnly: StoreOptions {
        var options = StoreOptions()
        options.access = .readOnly
        return options
    }

    static func identifierJSON(_ identifier: FindingIdentifier) -> String {
        var out: [UInt8] = []
        JSONText.appendIdentifier(identifier, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
