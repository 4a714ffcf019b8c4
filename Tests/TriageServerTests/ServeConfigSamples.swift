import TriageServer

/// Config documents for the config and policy tests: the example of `docs/serve.md`, a
/// small base document to vary one member at a time, and the refusal a document meets. Secrets
/// and tokens carry the markers `s3cr3t` and `t0ken`, so tests can check that no message shows
/// them.
enum ServeConfigSamples {
    /// The example config of `docs/serve.md`, with marked secrets.
    static let specExample = """
        {
          "accounts": {
            "111111111111": {"administrator": true, "members": ["222222222222", "333333333333"]},
            "222222222222": {},
            "333333333333": {}
          },
          "credentials": [
            {"accessKeyId": "AKIDADMIN", "secretAccessKey": "s3cr3t-admin", "account": "111111111111"},
            {"accessKeyId": "AKIDMEMBER", "secretAccessKey": "s3cr3t-member", "account": "222222222222",
             "sessionToken": "t0ken-member", "expiresAt": "2030-01-01T00:00:00Z",
             "policies": [\(denySuppressed)]}
          ],
          "quotas": {"BatchUpdateFindings": {"rate": 10, "burst": 30},
                     "BatchImportFindings": {"rate": 10, "burst": 30},
                     "GetFindings": {"rate": 3, "burst": 6}},
          "faults": {"seed": 7, "internalErrorRate": 0.0, "dropConnectionRate": 0.0, "latencyMs": 0,
                     "unprocessedRate": 0.0}
        }
        """

    /// serve.md's policy: deny BatchUpdateFindings that set `Workflow.Status` SUPPRESSED.
    static let denySuppressed = """
        {"Version": "2012-10-17", "Statement": [{
          "Effect": "Deny", "Action": "securityhub:BatchUpdateFindings", "Resource": "*",
          "Condition": {"StringEquals": {"securityhub:ASFFSyntaxPath/Workflow.Status": "SUPPRESSED"}}}]}
        """

    /// The message of the error `text` is refused with, nil if it is accepted.
    static func refusal(_ text: String) -> String? {
        refusal(bytes: Array(text.utf8))
    }

    /// The message of the error `bytes` are refused with, nil if they are accepted.
    static func refusal(bytes: [UInt8]) -> String? {
        do {
            _ = try ServeConfig(json: bytes)
            return nil
        } catch {
            return error.message
        }
    }

    /// The two accounts of ``document(accounts:credential:policy:rest:)``.
    static let accounts = """
        {"111111111111": {"administrator": true, "members": ["222222222222"]}, "222222222222": {}}
        """

    /// A document with `accounts`, an administrator key `AKIDADMIN` and a member key `AKIDMEMBER`
    /// whose object ends with `credential` (extra members) and has the policy `policy`, then the
    /// top-level members `rest` (each starting with a comma).
    static func document(
        accounts: String = accounts, credential: String = "", policy: String = denySuppressed, rest: String = ""
    ) -> String {
        """
        {"accounts": \(accounts),
         "credentials": [
           {"accessKeyId": "AKIDADMIN", "secretAccessKey": "s3cr3t-admin", "account": "111111111111"},
           {"accessKeyId": "AKIDMEMBER", "secretAccessKey": "s3cr3t-member", "account": "222222222222",
            "sessionToken": "t0ken-member", "policies": [\(policy)]\(credential)}
         ]\(rest)}
        """
    }

    /// A document whose member key has one statement `statement`.
    static func document(statement: String) -> String {
        document(policy: #"{"Version": "2012-10-17", "Statement": [\#(statement)]}"#)
    }

    /// A Deny statement of BatchUpdateFindings with `condition` as its `Condition`.
    static func deny(condition: String) -> String {
        #"{"Effect": "Deny", "Action": "securityhub:BatchUpdateFindings", "Resource": "*", "Condition": \#(condition)}"#
    }
}

extension String {
    /// `self` with the first `target` replaced by `replacement` (tests build variants this way).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { preconditionFailure("no \(target) in the sample") }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
