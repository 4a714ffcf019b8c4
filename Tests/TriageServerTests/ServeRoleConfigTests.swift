import Testing
import TriageServer

/// The config's `roles` (issue 18, point 3): read with their trust, external id, maximum session
/// duration and policies; every mistake refused at start-up with the member's path.
@Suite struct ServeRoleConfigTests {
    typealias Samples = ServeConfigSamples

    static func document(roles: String) -> String {
        Samples.document(rest: #", "roles": \#(roles)"#)
    }

    @Test func rolesAreRead() throws {
        let config = try ServeConfig(
            json: Array(
                Self.document(
                    roles: #"""
                        [{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111"]},
                         {"arn": "arn:aws:iam::111111111111:role/ops/audit", "trust": ["222222222222", "333333333333"],
                          "externalId": "ext-42", "maxSessionDuration": 43200,
                          "policies": [{"Statement": {"Effect": "Deny", "Action": "securityhub:BatchImportFindings",
                                                      "Resource": "*"}}]}]
                        """#
                ).utf8))
        let triage = try #require(config.roles.role(arn: "arn:aws:iam::222222222222:role/triage"))
        #expect(triage.account == "222222222222" && triage.name == "triage" && triage.trust == ["111111111111"])
        #expect(triage.externalId == nil && triage.maxSessionDuration == 3600 && triage.policies.isEmpty)
        let audit = try #require(config.roles.role(arn: "arn:aws:iam::111111111111:role/ops/audit"))
        #expect(audit.name == "audit" && audit.trust == ["222222222222", "333333333333"])
        #expect(audit.externalId == "ext-42" && audit.maxSessionDuration == 43200 && audit.policies.count == 1)
        #expect(config.roles.role(arn: "arn:aws:iam::222222222222:role/other") == nil)
        #expect(
            config.description.contains(
                "roles: arn:aws:iam::111111111111:role/ops/audit (trusts 222222222222, 333333333333); "
                    + "arn:aws:iam::222222222222:role/triage (trusts 111111111111)"))
        // No roles member: no role at all.
        let none = try ServeConfig(json: Array(Samples.document().utf8))
        #expect(none.roles.roles == [])
        #expect(none.roles.role(arn: "arn:aws:iam::222222222222:role/triage") == nil)
    }

    static let refusals: [(String, String)] = [
        (#"{"arn": "arn:aws:iam::222222222222:role/triage"}"#, "roles[0].trust: is required"),
        (#"{"trust": ["111111111111"]}"#, "roles[0].arn: is required"),
        (
            #"{"arn": "arn:aws:iam::22222222222:role/triage", "trust": ["111111111111"]}"#,
            "roles[0].arn: must be a role ARN such as arn:aws:iam::222222222222:role/triage"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:user/triage", "trust": ["111111111111"]}"#,
            "roles[0].arn: must be a role ARN such as arn:aws:iam::222222222222:role/triage"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["1111"]}"#,
            "roles[0].trust[0]: must be an account id of 12 digits"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": "111111111111"}"#,
            "roles[0].trust: "
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": []}"#,
            "roles[0].trust: needs at least one account"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111", "111111111111"]}"#,
            "roles[0].trust[1]: listed twice"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111"], "maxSessionDuration": 900}"#,
            "roles[0].maxSessionDuration: must be an integer from 3600 to 43200"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111"], "externalId": "x"}"#,
            "roles[0].externalId: must be 2 to 1224 characters of letters, digits and _+=,.@:/-"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111"], "trusts": []}"#,
            "roles[0].trusts: is not a member of roles[0] (did you mean trust?)"
        ),
        (
            #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["111111111111"]}, "#
                + #"{"arn": "arn:aws:iam::222222222222:role/triage", "trust": ["333333333333"]}"#,
            "roles[1].arn: role arn:aws:iam::222222222222:role/triage is already roles[0].arn"
        ),
    ]

    @Test(arguments: refusals) func aBrokenRoleIsRefusedWithItsPath(role: String, message: String) {
        let refusal = Samples.refusal(Self.document(roles: "[\(role)]"))
        #expect(refusal?.hasPrefix(message) == true, "\(refusal ?? "accepted")")
    }
}
