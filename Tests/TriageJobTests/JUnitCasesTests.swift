import Foundation
import Testing
import TriageTestSupport

@testable import TriageJob

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `--junit-cases failed`: one failing test case per failed record, as `all` writes it, and per
/// input one passing case naming its processed count; counts match the cases; both schemas hold.
@Suite struct JUnitCasesTests {
    /// A suite as read back: its counts and its cases (name, classname, failure type and text).
    struct Suite: Equatable {
        var name: String
        var tests: Int
        var failures: Int
        var cases: [Case]
    }

    struct Case: Equatable, Hashable {
        var name: String
        var classname: String
        var failure: String?
    }

    static func suites(_ url: URL) throws -> [Suite] {
        let document = try XMLDocument(contentsOf: url)
        return try document.nodes(forXPath: "/testsuites/testsuite").map { node in
            let suite = node as! XMLElement
            func attribute(_ element: XMLElement, _ name: String) -> String {
                element.attribute(forName: name)?.stringValue ?? ""
            }
            let cases = suite.elements(forName: "testcase").map { element in
                let failure = element.elements(forName: "failure").first.map {
                    "\(attribute($0, "type")) \($0.stringValue ?? "")"
                }
                return Case(
                    name: attribute(element, "name"), classname: attribute(element, "classname"), failure: failure)
            }
            return Suite(
                name: attribute(suite, "name"), tests: Int(attribute(suite, "tests")) ?? -1,
                failures: Int(attribute(suite, "failures")) ?? -1, cases: cases)
        }
    }

    /// Three inputs: one with failures, one all valid, one empty.
    static func writeInputs(in directory: URL) throws -> [String] {
        let arn = "arn:aws:securityhub:us-east-1::product/aws/securityhub"
        var mixed = ""
        for index in 0..<40 {
            if index % 13 == 5 {
                mixed += #"{"Id":"bad-\#(index)","ProductArn":"\#(arn)","Workflow":{"Status":"CLOSED"}}"# + "\n"
            } else {
                mixed += #"{"Id":"ok-\#(index)","ProductArn":"\#(arn)","Confidence":\#(index)}"# + "\n"
            }
        }
        mixed += "{\"Id\":\"broken\",\n"
        try mixed.write(to: directory.appendingPathComponent("mixed.ndjson"), atomically: true, encoding: .utf8)
        try "Id,ProductArn,Criticality\nc-1,\(arn),10\nc-2,\(arn),20\n".write(
            to: directory.appendingPathComponent("valid.csv"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("empty.ndjson"), atomically: true, encoding: .utf8)
        return ["mixed.ndjson", "valid.csv", "empty.ndjson"]
    }

    @Test func failedCasesAreTheFailuresPlusOneCountingCasePerInput() throws {
        let directory = TestPaths.temporaryDirectory("junit-cases")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = try Self.writeInputs(in: directory)
        let all = try CommandRun.triage(
            ["validate"] + inputs + ["--junit", "all.xml", "--report", "r.json", "--quiet"], directory: directory)
        #expect(all.status == 1, "\(all.stderr)")
        let failed = try CommandRun.triage(
            ["validate"] + inputs + ["--junit", "failed.xml", "--junit-cases", "failed", "--quiet"],
            directory: directory)
        #expect(failed.status == 1, "\(failed.stderr)")

        let failedURL = directory.appendingPathComponent("failed.xml")
        expectValidJUnit(failedURL)
        let full = try Self.suites(directory.appendingPathComponent("all.xml"))
        let small = try Self.suites(failedURL)
        try #require(small.count == 3)
        #expect(small.map(\.name) == full.map(\.name))
        let report = try loadReport(directory.appendingPathComponent("r.json"))
        for (input, (suite, whole)) in zip(small, full).enumerated() {
            // Counts match the cases written.
            #expect(suite.tests == suite.cases.count)
            #expect(suite.failures == suite.cases.filter { $0.failure != nil }.count)
            #expect(suite.failures == whole.failures)
            // The counting case first, then exactly the failing cases `all` writes, in order.
            let processed = (report["ProcessedFindings"] as! [[String: Any]]).filter {
                ($0["source"] as! [String: Any])["input"] as! String == inputs[input]
            }.count
            #expect(processed == whole.tests - whole.failures)
            #expect(
                suite.cases.first
                    == Case(
                        name: processed == 1 ? "1 record processed" : "\(processed) records processed",
                        classname: inputs[input], failure: nil))
            #expect(Array(suite.cases.dropFirst()) == whole.cases.filter { $0.failure != nil })
        }
        #expect(small.map(\.cases.count) == [5, 1, 1])
    }

    @Test func defaultIsAllAndUnchanged() throws {
        let directory = TestPaths.temporaryDirectory("junit-cases")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputs = try Self.writeInputs(in: directory)
        for (name, extra) in [("default.xml", [String]()), ("all.xml", ["--junit-cases", "all"])] {
            let run = try CommandRun.triage(
                ["validate"] + inputs + ["--junit", name, "--quiet"] + extra, directory: directory)
            #expect(run.status == 1, "\(run.stderr)")
        }
        let suites = try Self.suites(directory.appendingPathComponent("default.xml"))
        #expect(try Self.suites(directory.appendingPathComponent("all.xml")) == suites)
        #expect(suites.map(\.tests) == [41, 2, 0])
        #expect(suites.map { $0.cases.count } == [41, 2, 0])
    }

    @Test func manyRecordsFewFailuresMakeATinyReport() throws {
        let directory = TestPaths.temporaryDirectory("junit-cases")
        defer { try? FileManager.default.removeItem(at: directory) }
        let generated = try CommandRun.triage(
            [
                "generate", "--findings", "1000", "--findings-output", "f.ndjson", "--decisions", "60000",
                "--decisions-output", "d.ndjson.gz", "--invalid-per-mille", "0", "--seed", "3",
            ], directory: directory)
        #expect(generated.status == 0, "\(generated.stderr)")
        // Three broken lines after 60,000 valid ones.
        let broken = "{\"Id\":\"x\"\n[1]\n{\"Id\":\"y\",\"ProductArn\":\"p\"}\n"
        try broken.write(to: directory.appendingPathComponent("broken.ndjson"), atomically: true, encoding: .utf8)
        let run = try CommandRun.triage(
            [
                "validate", "d.ndjson.gz", "broken.ndjson", "--junit", "j.xml", "--junit-cases", "failed", "--quiet",
                "--report", "r.json",
            ], directory: directory)
        #expect(run.status == 1, "\(run.stderr)")
        let url = directory.appendingPathComponent("j.xml")
        expectValidJUnit(url)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(size < 4096, "\(size) bytes")
        let suites = try Self.suites(url)
        #expect(suites.map(\.tests) == [1, 4])
        #expect(suites.map(\.failures) == [0, 3])
        #expect(suites[0].cases.first?.name == "60,000 records processed")
        #expect(suites[1].cases.first?.name == "0 records processed")
    }

    @Test(arguments: [
        (0, "0 records processed"), (1, "1 record processed"), (999, "999 records processed"),
        (4_997, "4,997 records processed"), (300_000, "300,000 records processed"),
        (1_234_567, "1,234,567 records processed"),
    ])
    func countingCaseName(count: Int, name: String) {
        #expect(ReportRenderer.processedCaseName(count) == name)
    }
}
