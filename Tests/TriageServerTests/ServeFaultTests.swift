import Foundation
import Testing
import TriageCore
import TriageIO
import TriageStore
import TriageTestSupport

/// Injected faults through the real server: drops before and after applying (the log and the
/// store agree on which were applied), and the same seed giving the same faults.
@Suite struct ServeFaultTests {
    static func importBody(_ document: [UInt8]) -> [UInt8] {
        Array(#"{"Findings":["#.utf8) + document + Array("]}".utf8)
    }

    @Test func aDroppedConnectionGetsNoAnswerAndHalfOfTheDropsWereApplied() throws {
        let server = try ServeProcess(
            config: ServeProcess.syntheticConfig(faults: #"{"seed": 7, "dropConnectionRate": 1.0}"#))
        let synthetic = SyntheticData(seed: 5, findingCount: 40)
        for index in 0..<40 {
            let connection = try HTTPConnection(port: server.port)
            // Signed for the finding's Region: serve imports a finding only in its product's Region.
            let region = ProviderFinding.region(ofProductArn: synthetic.identifier(index).productArn)
            connection.send(
                HTTPRequestBytes.signed(
                    method: "POST", path: "/findings/import", port: server.port,
                    body: Self.importBody(synthetic.findingJSON(index)), region: region))
            #expect(connection.readAnswer() == nil, "request \(index) was answered")
        }
        #expect(server.stop() == 0)
        let lines = server.log.split(separator: "\n").filter { $0.contains(" BatchImportFindings ") }
        #expect(lines.count == 40)
        #expect(lines.allSatisfy { $0.contains(" dropped ") })
        let applied = lines.filter { $0.contains(" commit=") }.count
        #expect(applied > 5 && applied < 35, "\(applied) of 40 drops were after applying")
        let store = try FindingsStore(path: server.storePath)
        #expect(try store.count() == applied)
    }

    @Test func theSameSeedInjectsTheSameFaults() throws {
        func unprocessed(seed: Int) throws -> [String] {
            let directory = TestPaths.temporaryDirectory("triage-serve-faults")
            let findings = directory.appendingPathComponent("f.ndjson").path
            #expect(
                try CommandRun.triage(["generate", "--findings", "200", "--findings-output", findings]).status == 0)
            let store = directory.appendingPathComponent("s.sqlite").path
            #expect(try CommandRun.triage(["import", findings, "--store", store]).status == 0)
            // Updates signed for us-east-1 reach the synthetic findings of every Region.
            let server = try ServeProcess(
                config: ServeProcess.syntheticConfig(
                    faults: #"{"seed": \#(seed), "unprocessedRate": 0.2}"#,
                    aggregator: ServeProcess.allRegionsAggregator),
                store: store)
            defer { server.stop() }
            let synthetic = SyntheticData(seed: 1, findingCount: 200)
            var result: [String] = []
            let connection = try HTTPConnection(port: server.port)
            for round in 0..<5 {
                let identifiers = (0..<40).map {
                    ServeConcurrencyTests.identifierJSON(synthetic.identifier(round * 40 + $0))
                }
                let body =
                    #"{"FindingIdentifiers":[\#(identifiers.joined(separator: ","))],"Workflow":{"Status":"NOTIFIED"}}"#
                connection.send(
                    HTTPRequestBytes.signed(
                        method: "PATCH", path: "/findings/batchupdate", port: server.port, body: Array(body.utf8),
                        keepAlive: true))
                let answer = try #require(connection.readAnswer())
                #expect(answer.status == 200)
                let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
                for entry in json["UnprocessedFindings"] as? [[String: Any]] ?? [] {
                    let id = (entry["FindingIdentifier"] as? [String: Any])?["Id"] as? String ?? ""
                    let code = entry["ErrorCode"] as? String ?? ""
                    #expect(["ConcurrentUpdateError", "InternalFailure"].contains(code))
                    result.append("\(id) \(code)")
                }
            }
            return result
        }
        let first = try unprocessed(seed: 7)
        #expect(!first.isEmpty)
        #expect(try unprocessed(seed: 7) == first)
        #expect(try unprocessed(seed: 8) != first)
    }
}
