import TriageCore

/// How synthetic decisions are mixed.
package struct DecisionMix: Sendable {
    /// Distinct updates used, 1...10.
    package var distinctUpdates = 10
    /// Records per thousand that break the contract or the syntax.
    package var invalidPerMille = 0
    /// Records per thousand that name a finding the store does not have.
    package var missingPerMille = 0
    /// Records per thousand that name a finding decided shortly before (ordering matters).
    package var repeatPerMille = 0

    /// Creates a mix.
    package init(distinctUpdates: Int = 10, invalidPerMille: Int = 0, missingPerMille: Int = 0, repeatPerMille: Int = 0)
    {
        self.distinctUpdates = min(10, max(1, distinctUpdates))
        self.invalidPerMille = invalidPerMille
        self.missingPerMille = missingPerMille
        self.repeatPerMille = repeatPerMille
    }
}

extension SyntheticData {
    /// One decision template: NDJSON members (after the identifier) and CSV cells by column.
    struct Template {
        var json: String
        var cells: [String: String]
    }

    static let csvColumns = [
        "Id", "ProductArn", "Workflow.Status", "VerificationState", "Severity.Label", "Severity.Normalized",
        "Confidence", "Criticality", "Note.Text", "Note.UpdatedBy", "Types", "UserDefinedFields.ticket",
    ]

    static let templates: [Template] = [
        Template(
            json:
                #""Workflow":{"Status":"SUPPRESSED"},"VerificationState":"BENIGN_POSITIVE","Note":{"Text":"Accepted risk, ticket SEC-1234","UpdatedBy":"triage-bot"}"#,
            cells: [
                "Workflow.Status": "SUPPRESSED", "VerificationState": "BENIGN_POSITIVE",
                "Note.Text": "Accepted risk, ticket SEC-1234", "Note.UpdatedBy": "triage-bot",
            ]),
        Template(
            json:
                #""Workflow":{"Status":"RESOLVED"},"Note":{"Text":"Fixed in release 2026.11 (\"hardening\" sprint)","UpdatedBy":"alice@example.com"}"#,
            cells: [
                "Workflow.Status": "RESOLVED", "Note.Text": "Fixed in release 2026.11 (\"hardening\" sprint)",
                "Note.UpdatedBy": "alice@example.com",
            ]),
        Template(
            json: #""VerificationState":"FALSE_POSITIVE","Workflow":{"Status":"SUPPRESSED"}"#,
            cells: ["VerificationState": "FALSE_POSITIVE", "Workflow.Status": "SUPPRESSED"]),
        Template(json: #""Severity":{"Label":"CRITICAL"}"#, cells: ["Severity.Label": "CRITICAL"]),
        Template(json: #""Severity":{"Normalized":70}"#, cells: ["Severity.Normalized": "70"]),
        Template(
            json: #""Workflow":{"Status":"NOTIFIED"},"UserDefinedFields":{"ticket":"SEC-2001"}"#,
            cells: ["Workflow.Status": "NOTIFIED", "UserDefinedFields.ticket": "SEC-2001"]),
        Template(json: #""Confidence":80,"Criticality":90"#, cells: ["Confidence": "80", "Criticality": "90"]),
        Template(
            json: #""Types":["Software and Configuration Checks/Vulnerabilities/CVE","Effects/Data Exposure"]"#,
            cells: ["Types": "Software and Configuration Checks/Vulnerabilities/CVE;Effects/Data Exposure"]),
        Template(
            json: #""Workflow":{"Status":"NEW"},"Confidence":0"#, cells: ["Workflow.Status": "NEW", "Confidence": "0"]),
        Template(
            json: #""Note":{"Text":"Reviewed by the cloud team\nsee runbook RB-7","UpdatedBy":"bob"},"Criticality":25"#,
            cells: [
                "Note.Text": "Reviewed by the cloud team\nsee runbook RB-7", "Note.UpdatedBy": "bob",
                "Criticality": "25",
            ]),
    ]

    /// Broken variants, cycled: each is (NDJSON members or a whole broken line, CSV cells or nil for a ragged row).
    static let brokenTemplates: [(json: String, wholeLine: Bool, cells: [String: String]?)] = [
        (#""Workflow":{"Status":"CLOSED"}"#, false, ["Workflow.Status": "CLOSED"]),
        (#""Confidence":101"#, false, ["Confidence": "101"]),
        (#""WorkflowStatus":"RESOLVED""#, false, ["Confidence": "high"]),
        (
            #"{"Id":"truncated-record","ProductArn":"arn:aws:securityhub:us-east-1::product/aws/securityhub","Workflow":{"Status":"#,
            true, nil
        ),
        (#""Note":{"Text":"no author given"}"#, false, ["Note.Text": "no author given"]),
        (#""Types":["Malware/Trojan"]"#, false, ["Types": "Malware/Trojan"]),
    ]

    private func pick(_ index: Int, _ salt: UInt64, perMille: Int) -> Bool {
        perMille > 0 && Int(mixRandom(index, salt) % 1000) < perMille
    }

    private func mixRandom(_ index: Int, _ salt: UInt64) -> UInt64 {
        var z = seed ^ 0xA5A5_5A5A &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 &+ salt
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The finding decision `index` names: mostly finding `index % findingCount`; some repeat a
    /// recent one, some name a finding that does not exist.
    package func decisionTarget(_ index: Int, mix: DecisionMix) -> FindingIdentifier {
        if pick(index, 31, perMille: mix.missingPerMille) {
            let real = identifier(index % findingCount)
            return FindingIdentifier(id: real.id + "-gone", productArn: real.productArn)
        }
        if index > 0, pick(index, 32, perMille: mix.repeatPerMille) {
            let back = 1 + Int(mixRandom(index, 33) % UInt64(min(index, 500)))
            return identifier((index - back) % findingCount)
        }
        return identifier(index % findingCount)
    }

    private func templateIndex(_ index: Int, mix: DecisionMix) -> Int {
        Int(mixRandom(index, 34) % UInt64(mix.distinctUpdates))
    }

    /// Decision `index` as one NDJSON line (without the line end).
    package func decisionLine(_ index: Int, mix: DecisionMix) -> [UInt8] {
        let target = decisionTarget(index, mix: mix)
        var out: [UInt8] = Array(#"{"Id":"#.utf8)
        JSONText.appendString(target.id, to: &out)
        out.append(contentsOf: #","ProductArn":"#.utf8)
        JSONText.appendString(target.productArn, to: &out)
        if pick(index, 35, perMille: mix.invalidPerMille) {
            let broken = Self.brokenTemplates[Int(mixRandom(index, 36) % UInt64(Self.brokenTemplates.count))]
            if broken.wholeLine { return Array(broken.json.utf8) }
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: broken.json.utf8)
        } else {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: Self.templates[templateIndex(index, mix: mix)].json.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The CSV header row (without the line end).
    package func csvHeader() -> [UInt8] {
        Array(Self.csvColumns.joined(separator: ",").utf8)
    }

    /// Decision `index` as one CSV row (without the line end; quoted newlines may appear inside).
    package func csvRow(_ index: Int, mix: DecisionMix) -> [UInt8] {
        let target = decisionTarget(index, mix: mix)
        var cells: [String: String]
        var ragged = false
        if pick(index, 35, perMille: mix.invalidPerMille) {
            let broken = Self.brokenTemplates[Int(mixRandom(index, 36) % UInt64(Self.brokenTemplates.count))]
            cells = broken.cells ?? [:]
            ragged = broken.cells == nil
        } else {
            cells = Self.templates[templateIndex(index, mix: mix)].cells
        }
        cells["Id"] = target.id
        cells["ProductArn"] = target.productArn
        var fields = Self.csvColumns.map { cells[$0] ?? "" }
        if ragged { fields.append("extra") }
        return Array(fields.map(Self.csvField).joined(separator: ",").utf8)
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
