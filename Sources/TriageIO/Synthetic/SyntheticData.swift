import TriageCore

/// Deterministic synthetic findings and decisions for demos, samples and benchmarks, in the
/// shapes of the real findings in `Tests/Fixtures/ThirdParty/asff`: Security Hub control findings,
/// GuardDuty, Inspector and a custom product, each as Security Hub's output has it (the
/// service-owned members present with the values import gives, ``ServiceOwnedMembers``), so that
/// importing them changes no byte. The same seed gives the same bytes.
package struct SyntheticData: Sendable {
    /// The seed.
    package var seed: UInt64
    /// Number of findings in the synthetic store; decisions name findings `0..<findingCount`.
    package var findingCount: Int

    /// Creates a generator.
    package init(seed: UInt64, findingCount: Int) {
        self.seed = seed
        self.findingCount = max(1, findingCount)
    }

    static let regions = ["us-east-1", "eu-central-1", "eu-west-1", "ap-southeast-2"]
    package static let accounts = ["123456789012", "111111111111", "012345678912", "001122334455"]
    static let controls = [
        ("EC2.2", "VPC default security groups should not allow inbound or outbound traffic"),
        ("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)"),
        ("S3.2", "S3 general purpose buckets should block public read access"),
        ("S3.8", "S3 general purpose buckets should block public access"),
        ("IAM.9", "MFA should be enabled for the root user"),
        ("CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail"),
    ]
    static let guardDutyTypes = [
        "TTPs/Discovery/Recon:EC2-Portscan", "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce",
        "TTPs/Defense Evasion/DefenseEvasion:EC2-UnusualDNSResolver", "TTPs/Discovery/IAMUser-AnomalousBehavior",
    ]
    static let packages = ["openssl", "log4j-core", "glibc", "urllib3", "golang.org/x/net", "lodash"]

    private func random(_ index: Int, _ salt: UInt64) -> UInt64 {
        var z = seed &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 &+ salt &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func hex(_ index: Int, _ salt: UInt64, digits: Int) -> String {
        var text = ""
        var part = 0
        while text.count < digits {
            let word = String(random(index, salt &* 1_000 &+ UInt64(part)), radix: 16)
            text += String(repeating: "0", count: 16 - word.count) + word
            part += 1
        }
        return String(text.prefix(digits))
    }

    private func uuid(_ index: Int) -> String {
        let h = hex(index, 11, digits: 32)
        let c = Array(h)
        return
            "\(String(c[0..<8]))-\(String(c[8..<12]))-4\(String(c[13..<16]))-a\(String(c[17..<20]))-\(String(c[20..<32]))"
    }

    /// The kind of finding `index` is (control, GuardDuty, Inspector, custom), with its context.
    private func context(_ index: Int) -> (kind: Int, region: String, account: String) {
        let kind = Int(random(index, 1) % 10) < 5 ? 0 : Int(random(index, 2) % 3) + 1
        return (kind, Self.regions[Int(random(index, 3) % 4)], Self.accounts[Int(random(index, 4) % 4)])
    }

    /// The identifier of synthetic finding `index`.
    package func identifier(_ index: Int) -> FindingIdentifier {
        let (kind, region, account) = context(index)
        switch kind {
        case 0:
            let control = Self.controls[Int(random(index, 5) % UInt64(Self.controls.count))].0
            return FindingIdentifier(
                id: "arn:aws:securityhub:\(region):\(account):security-control/\(control)/finding/\(uuid(index))",
                productArn: "arn:aws:securityhub:\(region)::product/aws/securityhub")
        case 1:
            return FindingIdentifier(
                id:
                    "arn:aws:guardduty:\(region):\(account):detector/\(hex(index, 6, digits: 32))/finding/\(hex(index, 7, digits: 32))",
                productArn: "arn:aws:securityhub:\(region)::product/aws/guardduty")
        case 2:
            return FindingIdentifier(
                id: "arn:aws:inspector2:\(region):\(account):finding/\(hex(index, 8, digits: 32))",
                productArn: "arn:aws:securityhub:\(region)::product/aws/inspector")
        default:
            return FindingIdentifier(
                id: "custodian-\(region)-\(account)-\(hex(index, 9, digits: 20))",
                productArn: "arn:aws:securityhub:\(region):\(account):product/\(account)/default")
        }
    }

    /// Synthetic finding `index` as one line of ASFF JSON (without the line end).
    package func findingJSON(_ index: Int, updatedAt: String = "2026-11-01T00:00:00.000Z") -> [UInt8] {
        let (kind, region, account) = context(index)
        let identifier = identifier(index)
        let labels = SeverityLabel.allCases
        let label = labels[1 + Int(random(index, 10) % 4)]
        let normalized = [1, 40, 70, 90][labels.firstIndex(of: label)! - 1]
        var members: [(String, String)] = []
        func string(_ value: String) -> String {
            var out: [UInt8] = []
            JSONText.appendString(value, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        members.append(("SchemaVersion", string("2018-10-08")))
        members.append(("Id", string(identifier.id)))
        members.append(("ProductArn", string(identifier.productArn)))
        // The service-owned members, where Security Hub's output has them.
        let naming = ServiceOwnedMembers.names(productArn: identifier.productArn, given: (nil, nil))
        if let naming {
            members.append(("ProductName", string(naming.topLevel.product)))
            members.append(("CompanyName", string(naming.topLevel.company)))
        }
        members.append(("Region", string(region)))
        var productFields = [("aws/securityhub/FindingId", ServiceOwnedMembers.findingId(identifier))]
        if let naming {
            productFields.append(("aws/securityhub/ProductName", naming.productFields.product))
            productFields.append(("aws/securityhub/CompanyName", naming.productFields.company))
        }
        let title: String
        let generator: String
        let types: String
        var extra: [(String, String)] = []
        let resourceId: String
        switch kind {
        case 0:
            let control = Self.controls[Int(random(index, 5) % UInt64(Self.controls.count))]
            title = control.1
            generator = "security-control/\(control.0)"
            types =
                "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"
            resourceId = "arn:aws:ec2:\(region):\(account):security-group/sg-\(hex(index, 12, digits: 17))"
            extra.append(
                (
                    "Compliance",
                    #"{"Status":"FAILED","SecurityControlId":"\#(control.0)","AssociatedStandards":[{"StandardsId":"standards/aws-foundational-security-best-practices/v/1.0.0"}]}"#
                ))
        case 1:
            let type = Self.guardDutyTypes[Int(random(index, 13) % UInt64(Self.guardDutyTypes.count))]
            title = "GuardDuty finding \(type.split(separator: "/").last!) on i-\(hex(index, 14, digits: 17))"
            generator = "arn:aws:guardduty:\(region):\(account):detector/\(hex(index, 6, digits: 32))"
            types = type
            resourceId = "arn:aws:ec2:\(region):\(account):instance/i-\(hex(index, 14, digits: 17))"
            productFields.insert(
                contentsOf: [
                    ("aws/guardduty/service/count", "\(1 + random(index, 15) % 40)"),
                    ("aws/guardduty/service/archived", "false"),
                ], at: 0)
        case 2:
            let package = Self.packages[Int(random(index, 16) % UInt64(Self.packages.count))]
            let cve = "CVE-20\(20 + random(index, 17) % 6)-\(1000 + random(index, 18) % 50000)"
            title = "\(cve) - \(package)"
            generator = "AWSInspectorProductArn"
            types = "Software and Configuration Checks/Vulnerabilities/CVE"
            resourceId = "arn:aws:ecr:\(region):\(account):repository/app/sha256:\(hex(index, 19, digits: 64))"
            extra.append(
                (
                    "Vulnerabilities",
                    #"[{"Id":"\#(cve)","VulnerablePackages":[{"Name":"\#(package)","Version":"1.\#(random(index, 20) % 9).\#(random(index, 21) % 20)","PackageManager":"OS"}]}]"#
                ))
        default:
            title = "custodian policy violation \(random(index, 22) % 500)"
            generator = "custodian/policy-\(random(index, 22) % 500)"
            types = "Software and Configuration Checks/AWS Security Best Practices"
            resourceId = "arn:aws:rds:\(region):\(account):db:db-\(hex(index, 23, digits: 8))"
        }
        members.append(("GeneratorId", string(generator)))
        members.append(("AwsAccountId", string(account)))
        members.append(("Types", "[\(string(types))]"))
        members.append(
            ("CreatedAt", string("2026-10-\(10 + random(index, 24) % 18)T0\(random(index, 25) % 10):15:00.000Z")))
        members.append(("UpdatedAt", string(updatedAt)))
        members.append(
            ("Severity", #"{"Label":"\#(label.rawValue)","Normalized":\#(normalized),"Original":"\#(label.rawValue)"}"#)
        )
        members.append(("Title", string(title)))
        members.append(("Description", string("Synthetic finding \(index) for triage demos and benchmarks: \(title).")))
        members.append(
            (
                "ProductFields",
                "{" + productFields.map { "\(string($0.0)):\(string($0.1))" }.joined(separator: ",") + "}"
            ))
        members.append(
            ("Resources", #"[{"Type":"Other","Id":\#(string(resourceId)),"Partition":"aws","Region":"\#(region)"}]"#))
        members.append(("RecordState", string("ACTIVE")))
        members.append(("Workflow", #"{"Status":"NEW"}"#))
        members.append(("WorkflowState", string("NEW")))
        members.append(contentsOf: extra)
        members.append(
            (
                "FindingProviderFields",
                #"{"Severity":{"Label":"\#(label.rawValue)","Original":"\#(label.rawValue)"},"Types":[\#(string(types))]}"#
            ))
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (position, (key, value)) in members.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "\"\(key)\":".utf8)
            out.append(contentsOf: value.utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
