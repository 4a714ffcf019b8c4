/// The account a decision's finding belongs to, which picks the credentials that send it
/// (`--assume-role`), its lane (account, Region) and its shard.
///
/// The rule (`docs/scale.md`): the record's `AwsAccountId` routing member when given (checked as
/// 12 digits; never sent to the API), else the account field of the finding's `Id` when the `Id`
/// is an ARN (`arn:aws:securityhub:us-east-1:123456789012:…`), else unknown (nil: the run's own
/// credentials send it).
public enum FindingAccount {
    /// The account of a finding: `member` (the record's `AwsAccountId`) when given, else the
    /// account field of `id` when it is an ARN with a 12-digit account, else nil.
    public static func of(_ id: String, member: String?) -> String? {
        if let member { return member }
        return fromARN(id)
    }

    /// The account of a record that may be invalid (for its report entry): its `AwsAccountId`
    /// when that is 12 digits, else the account field of its `Id` when that is an ARN.
    public static func of(_ raw: RawIdentifier) -> String? {
        if let member = raw.account, isAccountId(member) { return member }
        return raw.id.flatMap(fromARN)
    }

    /// The account field (the fifth, 0-based 4) of `arn:PARTITION:SERVICE:REGION:ACCOUNT:…` when
    /// it is 12 digits; nil for anything else.
    public static func fromARN(_ text: String) -> String? {
        // Called for every record (intake, spool, journal, report): a byte scan, no Substring.
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard bytes.count > 17, bytes[0] == UInt8(ascii: "a"), bytes[1] == UInt8(ascii: "r"),
                bytes[2] == UInt8(ascii: "n"), bytes[3] == UInt8(ascii: ":")
            else { return nil }
            // Skip the partition, service and Region fields: the account starts after the 4th colon.
            var colons = 1
            var index = 4
            while index < bytes.count, colons < 4 {
                if bytes[index] == UInt8(ascii: ":") { colons += 1 }
                index += 1
            }
            let start = index
            guard colons == 4, start + 12 < bytes.count, bytes[start + 12] == UInt8(ascii: ":") else { return nil }
            for offset in start..<(start + 12) where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
                return nil
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(start + 12)]), as: UTF8.self)
        }
    }

    /// The Region field (the fourth, 0-based 3) of `arn:PARTITION:SERVICE:REGION:…` when it is not
    /// empty; nil for anything else.
    public static func regionOfARN(_ text: String) -> String? {
        let fields = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0] == "arn", !fields[3].isEmpty else { return nil }
        return String(fields[3])
    }

    /// Whether `text` is an AWS account id: exactly 12 ASCII digits.
    public static func isAccountId(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
