import Testing
import TriageServer

/// Config documents refused at start-up: unknown members (with their path and a did-you-mean),
/// wrong types, broken cross-references, values out of range, unsupported IAM members.
@Suite struct ServeConfigRefusalTests {
    typealias Samples = ServeConfigSamples

    static let unknownMembers: [(String, String)] = [
        (
            Samples.document().replacingFirst(#"{"accounts""#, with: #"{"acounts""#),
            "acounts: is not a member of the config (did you mean accounts?)"
        ),
        (
            Samples.document(credential: #", "polices": []"#),
            "credentials[1].polices: is not a member of credentials[1] (did you mean policies?)"
        ),
        (
            Samples.document(accounts: #"{"111111111111": {"administator": true}, "222222222222": {}}"#),
            "accounts.111111111111.administator: is not a member of accounts.111111111111 (did you mean administrator?)"
        ),
        (
            Samples.document(rest: #", "quotas": {"GetFinding": {"rate": 1, "burst": 1}}"#),
            "quotas.GetFinding: is not a member of quotas (did you mean GetFindings?)"
        ),
        (
            Samples.document(rest: #", "quotas": {"GetFindings": {"rate": 1, "burts": 1}}"#),
            "quotas.GetFindings.burts: is not a member of quotas.GetFindings (did you mean burst?)"
        ),
        (
            Samples.document(rest: #", "faults": {"seeds": 1}"#),
            "faults.seeds: is not a member of faults (did you mean seed?)"
        ),
        (
            Samples.document(rest: #", "faults": {"zzz": 1}"#),
            "faults.zzz: is not a member of faults (expected one of: seed, internalErrorRate, dropConnectionRate, latencyMs, "
                + "unprocessedRate)"
        ),
        (
            Samples.document(policy: #"{"Version": "2012-10-17", "Statment": []}"#),
            "credentials[1].policies[0].Statment: is not a member of credentials[1].policies[0] (did you mean Statement?)"
        ),
        (
            Samples.document(statement: #"{"Efect": "Deny", "Action": "*", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Efect: is not a member of credentials[1].policies[0].Statement[0] (did you mean Effect?)"
        ),
        (
            Samples.document(statement: #"{"Effect": "Deny", "Action": "*", "Resource": "*", "Conditon": {}}"#),
            "credentials[1].policies[0].Statement[0].Conditon: is not a member of credentials[1].policies[0].Statement[0] (did you mean Condition?)"
        ),
        (
            Samples.document(statement: Samples.deny(condition: #"{"StringEqual": {}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringEqual: unknown condition operator "
                + "(did you mean StringEquals?)"
        ),
        (
            Samples.document(
                statement: Samples.deny(
                    condition: #"{"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Stauts": "SUPPRESSED"}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringEquals.securityhub:ASFFSyntaxPath/Workflow.Stauts: "
                + "unknown condition key (did you mean securityhub:ASFFSyntaxPath/Workflow.Status?)"
        ),
        (
            Samples.document(
                statement: Samples.deny(condition: #"{"StringEqualsIgnoreCase": {"aws:x": "y"}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringEqualsIgnoreCase: unknown condition operator "
                + "(expected one of: StringEquals, StringNotEquals, StringLike, Null, ForAnyValue:StringEquals, "
                + "ForAnyValue:StringNotEquals, ForAnyValue:StringLike, ForAnyValue:Null, ForAllValues:StringEquals, "
                + "ForAllValues:StringNotEquals, ForAllValues:StringLike, ForAllValues:Null)"
        ),
    ]

    @Test(arguments: unknownMembers)
    func anUnknownMemberIsNamedWithItsPath(document: String, message: String) {
        #expect(Samples.refusal(document) == message)
    }

    @Test func anUnknownConditionKeyListsTheKnownOnes() throws {
        let message = try #require(
            Samples.refusal(
                Samples.document(statement: Samples.deny(condition: #"{"StringEquals": {"aws:RequestedRegion": "x"}}"#))
            ))
        #expect(
            message.hasPrefix(
                "credentials[1].policies[0].Statement[0].Condition.StringEquals.aws:RequestedRegion: unknown condition key "
                    + "(expected one of: securityhub:ASFFSyntaxPath/Workflow.Status, "))
        #expect(message.contains("securityhub:ASFFSyntaxPath/RelatedFindings.ProductArn)"))
    }

    static let refusals: [(String, String)] = [
        // the document
        ("[]", "must be an object, not array"),
        (#"{"accounts": {}, "accounts": {}}"#, "accounts: is given twice"),
        (#"{"credentials": []}"#, "accounts: is required"),
        (#"{"accounts": {"111111111111": {}}}"#, "credentials: is required"),
        (#"{"accounts": {"111111111111": {}}, "credentials": []}"#, "credentials: needs at least one credential"),
        (#"{"accounts": {}, "credentials": []}"#, "accounts: needs at least one account"),
        // accounts
        (
            Samples.document(accounts: #"{"111111111111": {"administrator": "yes"}, "222222222222": {}}"#),
            "accounts.111111111111.administrator: must be a boolean, not string"
        ),
        (Samples.document(accounts: #"{"1111": {}}"#), "accounts.1111: not an account id of 12 digits"),
        (
            Samples.document(accounts: #"{"111111111111": {"administrator": true, "members": ["333333333333"]}}"#),
            "accounts.111111111111.members[0]: account 333333333333 is not in accounts"
        ),
        (
            Samples.document(accounts: #"{"111111111111": {"members": ["222222222222"]}, "222222222222": {}}"#),
            "accounts.111111111111.members: only an account with \"administrator\": true has members"
        ),
        (
            Samples.document(accounts: #"{"111111111111": {"administrator": true, "members": ["111111111111"]}}"#),
            "accounts.111111111111.members[0]: an account cannot be its own member"
        ),
        (
            Samples.document(
                accounts: #"{"111111111111": {"administrator": true, "members": ["222222222222"]}, "#
                    + #""333333333333": {"administrator": true, "members": ["222222222222"]}, "222222222222": {}}"#),
            "accounts.333333333333.members[0]: account 222222222222 is already a member of 111111111111 "
                + "(one administrator each)"
        ),
        // credentials
        (
            Samples.document(credential: #", "secretAccessKey": 5"#),
            "credentials[1].secretAccessKey: is given twice"
        ),
        (
            Samples.document().replacingFirst(#""s3cr3t-admin""#, with: "5"),
            "credentials[0].secretAccessKey: must be a string, not number"
        ),
        (
            Samples.document().replacingFirst(#""account": "222222222222""#, with: #""account": "2222""#),
            "credentials[1].account: must be an account id of 12 digits"
        ),
        (
            Samples.document().replacingFirst("AKIDMEMBER", with: "AKIDADMIN"),
            "credentials[1].accessKeyId: access key id AKIDADMIN is already credentials[0].accessKeyId"
        ),
        (
            Samples.document().replacingFirst("AKIDMEMBER", with: "AKID/MEMBER"),
            "credentials[1].accessKeyId: must be 1 to 128 characters without spaces, control characters, /, , or ="
        ),
        (
            Samples.document().replacingFirst(#""t0ken-member""#, with: #""""#),
            "credentials[1].sessionToken: must not be empty"
        ),
        (
            Samples.document(credential: #", "expiresAt": "tomorrow""#),
            "credentials[1].expiresAt: must be an RFC 3339 date-time such as 2030-01-01T00:00:00Z"
        ),
        (Samples.document(policy: "[]"), "credentials[1].policies[0]: must be an object, not array"),
        // quotas
        (
            Samples.document(rest: #", "quotas": {"GetFindings": {"rate": -1, "burst": 1}}"#),
            "quotas.GetFindings.rate: must be a finite number of at least 0"
        ),
        (
            Samples.document(rest: #", "quotas": {"GetFindings": {"rate": 1, "burst": -1}}"#),
            "quotas.GetFindings.burst: must be a finite number of at least 0"
        ),
        (
            Samples.document(rest: #", "quotas": {"GetFindings": {"rate": 5, "burst": 0.5}}"#),
            "quotas.GetFindings.burst: must be at least 1 when rate is above 0 (rate 0 disables throttling)"
        ),
        (Samples.document(rest: #", "quotas": {"GetFindings": {"rate": 5}}"#), "quotas.GetFindings.burst: is required"),
        (
            Samples.document(rest: #", "quotas": {"GetFindings": {"rate": "5", "burst": 1}}"#),
            "quotas.GetFindings.rate: must be a number, not string"
        ),
        // faults
        (
            Samples.document(rest: #", "faults": {"internalErrorRate": 1.5}"#),
            "faults.internalErrorRate: must be a number from 0 to 1"
        ),
        (
            Samples.document(rest: #", "faults": {"dropConnectionRate": -0.1}"#),
            "faults.dropConnectionRate: must be a number from 0 to 1"
        ),
        (
            Samples.document(rest: #", "faults": {"unprocessedRate": true}"#),
            "faults.unprocessedRate: must be a number, not boolean"
        ),
        (
            Samples.document(rest: #", "faults": {"latencyMs": 1.5}"#),
            "faults.latencyMs: must be an integer from 0 to 60000"
        ),
        (
            Samples.document(rest: #", "faults": {"seed": -1}"#),
            "faults.seed: must be an integer from 0 to 18446744073709551615"
        ),
        // policies
        (
            Samples.document(policy: #"{"Version": "2012-10-18", "Statement": []}"#),
            "credentials[1].policies[0].Version: must be 2012-10-17 or 2008-10-17"
        ),
        (
            Samples.document(policy: #"{"Version": "2012-10-17", "Statement": []}"#),
            "credentials[1].policies[0].Statement: needs at least one statement"
        ),
        (
            Samples.document(policy: #"{"Version": "2012-10-17"}"#),
            "credentials[1].policies[0].Statement: is required"
        ),
        (
            Samples.document(statement: #"{"Effect": "allow", "Action": "*", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Effect: must be Allow or Deny (case-sensitive)"
        ),
        (
            Samples.document(statement: #"{"Effect": "Allow", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0]: needs Action or NotAction"
        ),
        (
            Samples.document(statement: #"{"Effect": "Allow", "Action": "*", "NotAction": "*", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0]: has both Action and NotAction (give one)"
        ),
        (
            Samples.document(statement: #"{"Effect": "Allow", "Action": "*"}"#),
            "credentials[1].policies[0].Statement[0].Resource: is required"
        ),
        (
            Samples.document(
                statement: #"{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:securityhub:*:*:hub/default"}"#),
            "credentials[1].policies[0].Statement[0].Resource: must be \"*\" (one hub per account and Region: "
                + "resource ARNs are not supported)"
        ),
        (
            Samples.document(statement: #"{"Effect": "Allow", "Action": "*", "NotResource": "*"}"#),
            "credentials[1].policies[0].Statement[0].NotResource: not supported (Resource must be \"*\")"
        ),
        (
            Samples.document(statement: #"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Principal: not allowed in an identity-based policy "
                + "(the policy belongs to the credential)"
        ),
        (
            Samples.document(statement: #"{"Effect": "Deny", "Action": [], "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Action: must not be an empty list"
        ),
        (
            Samples.document(statement: #"{"Effect": "Deny", "Action": ["*", 3], "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Action[1]: must be a string, not number"
        ),
        (
            Samples.document(statement: #"{"Effect": "Deny", "Action": "BatchUpdateFindings", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Action: must be * or service:action (securityhub:BatchUpdateFindings)"
        ),
        (
            Samples.document(
                statement: #"{"Effect": "Deny", "Action": ["securityhub:BatchUpdateFinding"], "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Action[0]: not an action of this server "
                + "(did you mean securityhub:BatchUpdateFindings?)"
        ),
        (
            Samples.document(statement: #"{"Effect": "Deny", "Action": "securityhb:*", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[0].Action: unknown service (did you mean securityhub?)"
        ),
        (
            Samples.document(
                statement: #"{"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}, "#
                    + #"{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"}"#),
            "credentials[1].policies[0].Statement[1].Sid: the same as credentials[1].policies[0].Statement[0].Sid"
        ),
        (
            Samples.document(
                statement: Samples.deny(condition: #"{"Null": {"securityhub:ASFFSyntaxPath/Workflow.Status": "yes"}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.Null.securityhub:ASFFSyntaxPath/Workflow.Status: "
                + "Null takes true or false"
        ),
        (
            Samples.document(
                statement: Samples.deny(condition: #"{"StringEquals": {"securityhub:ASFFSyntaxPath/Note.Text": []}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringEquals.securityhub:ASFFSyntaxPath/Note.Text: "
                + "needs at least one value"
        ),
        (
            Samples.document(
                statement: Samples.deny(
                    condition: #"{"StringEquals": {"securityhub:ASFFSyntaxPath/Note.Text": [{"a": 1}]}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringEquals.securityhub:ASFFSyntaxPath/Note.Text[0]: "
                + "must be a string, not object"
        ),
        (
            Samples.document(
                statement: Samples.deny(
                    condition: #"{"StringLike": {"securityhub:ASFFSyntaxPath/Note.UpdatedBy": "${aws:username}"}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringLike.securityhub:ASFFSyntaxPath/Note.UpdatedBy: "
                + "policy variables (${...}) are not supported"
        ),
        (
            Samples.document(statement: Samples.deny(condition: #"{"StringEquals": {}}"#)),
            "credentials[1].policies[0].Statement[0].Condition.StringEquals: needs at least one condition key"
        ),
        (
            Samples.document(statement: Samples.deny(condition: #"["StringEquals"]"#)),
            "credentials[1].policies[0].Statement[0].Condition: must be an object, not array"
        ),
    ]

    @Test(arguments: refusals)
    func aBrokenConfigIsRefusedNamingTheMember(document: String, message: String) {
        #expect(Samples.refusal(document) == message)
    }

    @Test func malformedJSONIsRefused() throws {
        var bytes = Array(Samples.document().utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "s"))!] = 0xFF  // inside a string
        let message = try #require(Samples.refusal(bytes: bytes))
        #expect(message.hasPrefix("is not valid JSON (byte ") && message.hasSuffix("invalid UTF-8)"), "\(message)")
        #expect(Samples.refusal("{")?.hasPrefix("is not valid JSON (byte 2: ") == true)
        #expect(Samples.refusal(Samples.document() + ",")?.hasPrefix("is not valid JSON (byte ") == true)
    }
}
