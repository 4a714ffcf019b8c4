import Foundation
import Testing
import TriageCore

/// The filter table against the botocore service model shipped with the installed botocore
/// (`securityhub/2018-10-26/service-2.json.gz`): the same 104 members, the same kinds, and paths
/// that exist in the model's `AwsSecurityFinding` shapes.
@Suite struct FilterFieldModelTests {
    /// The model's shapes, or an error saying why the model could not be read (the test fails:
    /// a missing model must not pass silently).
    static func modelShapes() throws -> [String: JSONValue] {
        let locate = try run(
            ["python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"],
            what: "locating botocore (python3 with botocore installed is needed)")
        let directory = String(decoding: locate, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let path = directory + "/data/securityhub/2018-10-26/service-2.json.gz"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelMissing(description: "the Security Hub model is not at \(path)")
        }
        let json = try run(["gzip", "-dc", path], what: "decompressing \(path)")
        guard case .object(let shapes)? = try JSONParser.parse(json)[key: "shapes"] else {
            throw ModelMissing(description: "\(path) has no shapes")
        }
        return Dictionary(shapes.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    struct ModelMissing: Error, CustomStringConvertible { var description: String }

    static func run(_ arguments: [String], what: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        do {
            try process.run()
        } catch {
            throw ModelMissing(description: "\(what): \(error)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ModelMissing(description: "\(what): exit status \(process.terminationStatus)")
        }
        return Array(data)
    }

    static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    @Test func theTableHasExactlyTheModelsMembersWithTheirKinds() throws {
        let shapes = try Self.modelShapes()
        guard case .object(let members)? = shapes["AwsSecurityFindingFilters"]?[key: "members"] else {
            Issue.record("the model has no AwsSecurityFindingFilters")
            return
        }
        #expect(members.count == 104)
        #expect(FindingFilterField.all.map(\.name) == members.map(\.key))
        for member in members {
            let shape = Self.string(member.value[key: "shape"])
            let field = FindingFilterField.named(member.key)
            #expect(field?.kind.modelShape == shape, "\(member.key): model \(shape ?? "-")")
        }
    }

    @Test func everyPathExistsInTheModelsFindingShapes() throws {
        let shapes = try Self.modelShapes()
        for field in FindingFilterField.all where field.kind != .keyword {
            #expect(
                Self.leafType(field.pathSteps, shapes) == Self.leafTypes(field.kind), "\(field.name) → \(field.path)")
        }
        // The fallback of SeverityLabel is a model path too.
        let fallback = [("FindingProviderFields", false), ("Severity", false), ("Label", false)]
        #expect(Self.leafType(fallback.map { (name: $0.0, isList: $0.1) }, shapes) == "string")
    }

    /// The model type at the end of `steps` from `AwsSecurityFinding`, normalised to a kind's type,
    /// or a description of where the walk failed.
    static func leafType(_ steps: [(name: String, isList: Bool)], _ shapes: [String: JSONValue]) -> String {
        var shape = "AwsSecurityFinding"
        for step in steps {
            guard let next = string(shapes[shape]?[key: "members"]?[key: step.name]?[key: "shape"]) else {
                return "no member \(step.name) in \(shape)"
            }
            shape = next
            let isList = string(shapes[shape]?[key: "type"]) == "list"
            guard isList == step.isList else { return "\(step.name) is \(isList ? "" : "not ")a list" }
            if isList, let element = string(shapes[shape]?[key: "member"]?[key: "shape"]) { shape = element }
        }
        let type = string(shapes[shape]?[key: "type"]) ?? "?"
        return ["integer", "double", "long", "float"].contains(type) ? "number" : type
    }

    static func leafTypes(_ kind: FindingFilterField.Kind) -> String {
        switch kind {
        case .string, .date, .ip, .keyword: "string"
        case .number: "number"
        case .boolean: "boolean"
        case .map: "map"
        }
    }

    @Test func scalarFieldsAreThoseWithOneValue() {
        let field = { (name: String) in FindingFilterField.named(name)! }
        #expect(field("UpdatedAt").isScalar && field("SeverityLabel").isScalar && field("Sample").isScalar)
        #expect(field("NetworkSourceIpV4").isScalar)
        #expect(!field("ResourceId").isScalar && !field("Type").isScalar && !field("ResourceTags").isScalar)
        #expect(!field("UserDefinedFields").isScalar && !field("Keyword").isScalar)
        #expect(field("WorkflowStatus").path == "Workflow.Status")
        #expect(field("ComplianceAssociatedStandardsId").path == "Compliance.AssociatedStandards[].StandardsId")
    }
}
