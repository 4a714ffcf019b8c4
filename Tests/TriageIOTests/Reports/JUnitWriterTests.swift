import Foundation
import Testing
import TriageIO
import TriageTestSupport

@Suite("JUnitWriter")
struct JUnitWriterTests {
    static let hostile = "id<>&\"'😀漢字\u{0}\u{1}\u{FFFE}\u{FFFF}\t|"
    static let hostileRepaired = "id<>&\"'😀漢字\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\t|"

    /// Two suites (the second empty), passing and failing cases, properties and hostile text.
    static func writeSampleReport(to path: String) throws {
        let writer = try JUnitWriter(path: path)
        try writer.beginSuite(
            JUnitSuite(
                name: "inputs/decisions.ndjson", package: "triage", id: 0,
                timestamp: JUnitSuite.timestamp(unixSeconds: 1_700_000_000), hostname: "build-host",
                tests: 3, failures: 2, time: 1.23456,
                properties: [("target", "store"), ("inputs", "a.ndjson b.csv"), ("odd <&>\"'", "v\u{0}\u{1}\u{FFFE}")]))
        try writer.testCase(
            name: "arn:aws:securityhub:us-east-1:123456789012:security-control/EC2.2/finding/0f2c",
            classname: "arn:aws:securityhub:us-east-1::product/aws/securityhub", time: 0.0004, failure: nil)
        try writer.testCase(
            name: hostile, classname: "inputs/decisions.ndjson", time: 12.3456,
            failure: JUnitFailure(
                type: "InvalidInput", message: "line one\nline two <&>\"' \u{1}\r\nend",
                text: "inputs/decisions.ndjson:7"))
        try writer.testCase(
            name: "line 9", classname: "c", time: -1,
            failure: JUnitFailure(type: "FindingNotFound", message: "", text: ""))
        try writer.endSuite(systemOut: "out \u{1B}[0m <b>", systemErr: "")
        try writer.beginSuite(
            JUnitSuite(
                name: "empty.csv", package: "triage", id: 1, timestamp: "2024-02-29T23:59:59", hostname: "build-host",
                tests: 0, failures: 0, time: 0))
        try writer.endSuite(systemOut: "", systemErr: "")
        try writer.finish()
    }

    @Test("a report with hostile text validates against both schemas")
    func validatesAgainstBothSchemas() throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.xml").path
        try Self.writeSampleReport(to: path)

        #expect(XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.windyroad) == [])
        #expect(XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.jenkins) == [])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite "))
        #expect(!text.contains("\n "), "no indentation")
        // Non-ASCII stays raw UTF-8; markup and tab are escaped; forbidden characters are gone.
        #expect(text.contains("name=\"id&lt;&gt;&amp;&quot;'😀漢字\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}&#9;|\""), "\(text)")
    }

    @Test("the report parses back with the expected elements and repaired values")
    func parsesBack() throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.xml").path
        try Self.writeSampleReport(to: path)
        let tree = try #require(JUnitXMLTree(path: path))

        let root = tree.root
        #expect(JUnitXMLTree.name(root) == "testsuites")
        #expect(JUnitXMLTree.attributes(root).isEmpty)
        let suites = JUnitXMLTree.children(root, named: "testsuite")
        try #require(suites.count == 2)
        #expect(JUnitXMLTree.descendants(root, named: "testcase").count == 3)
        #expect(JUnitXMLTree.descendants(root, named: "failure").count == 2)
        #expect(JUnitXMLTree.descendants(root, named: "property").count == 3)

        let first = suites[0]
        #expect(
            JUnitXMLTree.attributes(first).map(\.0) == [
                "name", "package", "id", "timestamp", "hostname", "tests", "failures", "errors", "time",
            ])
        #expect(
            JUnitXMLTree.attributes(first).map(\.1) == [
                "inputs/decisions.ndjson", "triage", "0", "2023-11-14T22:13:20", "build-host", "3", "2", "0", "1.235",
            ])
        #expect(
            JUnitXMLTree.children(first).map(JUnitXMLTree.name) == [
                "properties", "testcase", "testcase", "testcase", "system-out", "system-err",
            ])
        let properties = JUnitXMLTree.descendants(first, named: "property").map {
            [JUnitXMLTree.attribute($0, "name"), JUnitXMLTree.attribute($0, "value")]
        }
        #expect(
            properties == [
                ["target", "store"], ["inputs", "a.ndjson b.csv"], ["odd <&>\"'", "v\u{FFFD}\u{FFFD}\u{FFFD}"],
            ])

        let cases = JUnitXMLTree.children(first, named: "testcase")
        #expect(cases.map { JUnitXMLTree.attribute($0, "time") } == ["0.000", "12.346", "0.000"])
        #expect(JUnitXMLTree.attribute(cases[1], "name") == Self.hostileRepaired)
        #expect(JUnitXMLTree.attribute(cases[1], "classname") == "inputs/decisions.ndjson")
        #expect(JUnitXMLTree.children(cases[0]).isEmpty)
        let failure = try #require(JUnitXMLTree.children(cases[1], named: "failure").first)
        #expect(JUnitXMLTree.attribute(failure, "type") == "InvalidInput")
        #expect(JUnitXMLTree.attribute(failure, "message") == "line one\nline two <&>\"' \u{FFFD}\r\nend")
        #expect(JUnitXMLTree.text(failure) == "inputs/decisions.ndjson:7")
        let emptyFailure = try #require(JUnitXMLTree.children(cases[2], named: "failure").first)
        #expect(JUnitXMLTree.attribute(emptyFailure, "type") == "FindingNotFound")
        #expect(JUnitXMLTree.attribute(emptyFailure, "message") == "")
        #expect(JUnitXMLTree.text(emptyFailure) == "")
        let systemOut = try #require(JUnitXMLTree.children(first, named: "system-out").first)
        #expect(JUnitXMLTree.text(systemOut) == "out \u{FFFD}[0m <b>")

        let second = suites[1]
        #expect(JUnitXMLTree.attribute(second, "id") == "1")
        #expect(JUnitXMLTree.attribute(second, "tests") == "0")
        #expect(JUnitXMLTree.attribute(second, "time") == "0.000")
        #expect(JUnitXMLTree.children(second).map(JUnitXMLTree.name) == ["properties", "system-out", "system-err"])
    }

    @Test("blank names, out-of-range counts and ids are repaired so the report stays valid")
    func repairsSuiteAttributes() throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.xml").path
        let writer = try JUnitWriter(path: path)
        try writer.beginSuite(
            JUnitSuite(
                name: " \t", id: Int(Int32.max) + 1, timestamp: "2024-01-01T00:00:00", hostname: "",
                tests: -1, failures: 5_000_000_000, errors: 0, time: .infinity, properties: [("", "x")]))
        try writer.testCase(name: "", classname: "", time: .nan, failure: nil)
        try writer.endSuite(systemOut: "\u{0}", systemErr: "\u{FFFF}")
        try writer.finish()

        #expect(XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.windyroad) == [])
        #expect(XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.jenkins) == [])
        let tree = try #require(JUnitXMLTree(path: path))
        let suite = try #require(JUnitXMLTree.children(tree.root).first)
        #expect(JUnitXMLTree.attribute(suite, "name") == "(unnamed)")
        #expect(JUnitXMLTree.attribute(suite, "hostname") == "localhost")
        #expect(JUnitXMLTree.attribute(suite, "id") == "2147483647")
        #expect(JUnitXMLTree.attribute(suite, "tests") == "0")
        #expect(JUnitXMLTree.attribute(suite, "failures") == "2147483647")
        #expect(JUnitXMLTree.attribute(suite, "time") == "1000000000000.000")
        #expect(
            JUnitXMLTree.descendants(suite, named: "property").map { JUnitXMLTree.attribute($0, "name") } == [
                "(unnamed)"
            ])
    }

    @Test(
        "times are written with exactly 3 decimals",
        arguments: [
            (0.0, "0.000"), (0.0004, "0.000"), (0.0016, "0.002"), (1, "1.000"), (12.3456, "12.346"),
            (59.9999, "60.000"), (1_234_567.25, "1234567.250"), (-3, "0.000"), (-.infinity, "0.000"),
            (.nan, "0.000"), (.infinity, "1000000000000.000"), (1e300, "1000000000000.000"),
        ] as [(Double, String)])
    func timeFormat(seconds: Double, expected: String) throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.xml").path
        let writer = try JUnitWriter(path: path)
        try writer.beginSuite(
            JUnitSuite(
                name: "s", id: 0, timestamp: "2024-01-01T00:00:00", hostname: "h", tests: 1, failures: 0, time: seconds)
        )
        try writer.testCase(name: "t", classname: "c", time: seconds, failure: nil)
        try writer.endSuite(systemOut: "", systemErr: "")
        try writer.finish()

        let tree = try #require(JUnitXMLTree(path: path))
        let suite = try #require(JUnitXMLTree.children(tree.root).first)
        #expect(JUnitXMLTree.attribute(suite, "time") == expected)
        #expect(
            JUnitXMLTree.descendants(suite, named: "testcase").map { JUnitXMLTree.attribute($0, "time") } == [expected])
        #expect(XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.jenkins) == [])
    }

    @Test("200,000 test cases stream into a valid report")
    func streamsManyTestCases() throws {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.xml").path
        let count = 200_000
        let writer = try JUnitWriter(path: path)
        try writer.beginSuite(
            JUnitSuite(
                name: "big.ndjson", id: 0, timestamp: "2024-01-01T00:00:00", hostname: "h", tests: count,
                failures: count / 10, time: 42))
        let failure = JUnitFailure(type: "InvalidInput", message: "Invalid Workflow.Status", text: "big.ndjson:1")
        for index in 0..<count {
            try writer.testCase(
                name: "arn:aws:securityhub:us-east-1:123456789012:finding/\(index)", classname: "product",
                time: Double(index) / 1000, failure: index % 10 == 0 ? failure : nil)
        }
        try writer.endSuite(systemOut: "", systemErr: "")
        try writer.finish()

        #expect(XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.windyroad) == [])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.components(separatedBy: "<testcase ").count - 1 == count)
        #expect(text.components(separatedBy: "<failure ").count - 1 == count / 10)
        #expect(text.hasSuffix("</testsuite>\n</testsuites>\n"))
    }
}
