/// An AWS Region's name as triage accepts it, parsed and checked in one place: from `--region`,
/// from the Region field of a `ProductArn`, and before an endpoint is built for it.
///
/// The rule is the shape every partition's Region names have and that can be a DNS label of the
/// endpoint host: 1 to 63 lower-case ASCII letters, digits and inner hyphens (`us-east-1`,
/// `cn-north-1`, `us-gov-west-1`). It does not require a Region triage knows of
/// (``AWSRegions``): a Region AWS opens later must work without a new triage (the endpoint then
/// says whether it exists). `US-EAST-1` is refused: AWS's Region names are lower case, and a host
/// or a credential scope built from it would not be the Region's.
public struct RegionName: Hashable, Sendable, CustomStringConvertible {
    /// The name, e.g. `us-east-1`.
    public let name: String

    /// `text` as a Region name; nil when it is not one (empty, upper case, other characters, a
    /// leading or trailing hyphen, over 63 bytes).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-"),
            bytes.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") })
        else { return nil }
        name = String(text)
    }

    /// The Region field of an ARN (`arn:<partition>:<service>:<region>:...`) as it is written,
    /// not checked; nil when `arn` is not an ARN or has no Region (`arn:aws:securityhub::...`).
    /// Every reader of a `ProductArn`'s Region goes through here, so they agree on what it is.
    public static func field(ofArn arn: String) -> Substring? {
        let fields = arn.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "arn", !fields[3].isEmpty else { return nil }
        return fields[3]
    }

    public var description: String { name }
}
