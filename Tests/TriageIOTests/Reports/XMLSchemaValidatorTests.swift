import Foundation
import Testing
import TriageTestSupport

/// Proves the validator (and the schemas) reject what the writer must never produce.
@Suite("XMLSchemaValidator")
struct XMLSchemaValidatorTests {
    /// A minimal report valid against both schemas, with the parts the variants change.
    static func report(
        testsuites: String = "<testsuites>", hostname: String = " hostname=\"h\"", time: String = "1.234",
        name: String = "n"
    ) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        \(testsuites)<testsuite name="s" package="p" id="0" timestamp="2024-01-01T00:00:00"\(hostname) \
        tests="1" failures="0" errors="0" time="\(time)"><properties/>\
        <testcase name="\(name)" classname="c" time="0.001"/><system-out/><system-err/></testsuite></testsuites>
        """
    }

    static func validate(_ xml: String) throws -> (windyroad: [String], jenkins: [String]) {
        let directory = try JUnitTestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("r.xml").path
        try Data(xml.utf8).write(to: URL(fileURLWithPath: path))
        return (
            XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.windyroad),
            XMLSchemaValidator.validate(xmlPath: path, xsdPath: JUnitTestData.jenkins)
        )
    }

    @Test("the baseline report is valid against both schemas")
    func baseline() throws {
        let result = try Self.validate(Self.report())
        #expect(result.windyroad == [])
        #expect(result.jenkins == [])
    }

    @Test("a suite without hostname is rejected by windyroad")
    func missingHostname() throws {
        let result = try Self.validate(Self.report(hostname: ""))
        #expect(result.windyroad.contains { $0.contains("hostname") }, "\(result.windyroad)")
    }

    @Test("an attribute on <testsuites> is rejected by both")
    func attributeOnTestsuites() throws {
        let result = try Self.validate(Self.report(testsuites: "<testsuites skipped=\"0\">"))
        #expect(result.windyroad.contains { $0.contains("skipped") }, "\(result.windyroad)")
        #expect(result.jenkins.contains { $0.contains("skipped") }, "\(result.jenkins)")
    }

    @Test("a time with 4 decimals is rejected by Jenkins")
    func fourDecimals() throws {
        let result = try Self.validate(Self.report(time: "1.2345"))
        #expect(result.jenkins.contains { $0.contains("1.2345") }, "\(result.jenkins)")
    }

    @Test("a control character (not well-formed XML) is reported, not printed")
    func notWellFormed() throws {
        let result = try Self.validate(Self.report(name: "a\u{1}b"))
        #expect(!result.windyroad.isEmpty)
        #expect(!result.jenkins.isEmpty)
    }

    @Test("a missing schema is an error, not a crash")
    func missingSchema() {
        #expect(!XMLSchemaValidator.validate(xmlPath: "/nonexistent.xml", xsdPath: "/nonexistent.xsd").isEmpty)
    }
}
